// The selected collection's page: the records table (screens/records/).
import { html } from "../../html.js";
import { RecordsTable } from "../records/table.js";

export function CollectionPage({ collection, onEdit }) {
  return html`<${RecordsTable} key=${collection.id} collection=${collection} onEdit=${onEdit}/>`;
}
