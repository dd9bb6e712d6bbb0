// The selected collection's page: the records table (screens/records/), with the collection's
// "API Preview" button in its header.
import { html } from "../../html.js";
import { RecordsTable } from "../records/table.js";
import { ApiPreviewButton } from "./api-preview.js";

export function CollectionPage({ collection, onEdit }) {
  return html`<${RecordsTable} key=${collection.id} collection=${collection} onEdit=${onEdit}
    actions=${html`<${ApiPreviewButton} key=${collection.id} collection=${collection}/>`}/>`;
}
