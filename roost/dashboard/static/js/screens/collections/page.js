// The selected collection's page: its name, type, "Edit collection", and its fields at a glance.
// The Records screen replaces the fields table with the records table.
import { html } from "../../html.js";
import { Icon } from "../../components/icon.js";

export function CollectionPage({ collection, onEdit }) {
  return html`<section class="stack">
    <header class="page-head">
      <h1><span class="muted">Collections / </span>${collection.name}</h1>
      <button type="button" class="btn btn-secondary" onClick=${onEdit} aria-label="Edit collection">
        <${Icon} name="gear" size=${16}/> Edit collection</button>
    </header>
    <p class="muted">${collection.type} collection${collection.system ? " (system)" : ""} · id <code>${collection.id}</code></p>
    <div class="table-wrap"><table class="table schema-table">
      <caption class="hidden">Fields of ${collection.name}</caption>
      <thead><tr><th scope="col">Field</th><th scope="col">Type</th><th scope="col">Options</th></tr></thead>
      <tbody>${collection.fields.map((f) => html`<tr key=${f.id}><td>${f.name}</td><td>${f.type}</td>
        <td class="muted">${[f.required ? "nonempty" : "", f.hidden ? "hidden" : "", f.system ? "system" : "", f.presentable ? "presentable" : ""].filter(Boolean).join(", ")}</td></tr>`)}</tbody>
    </table></div>
  </section>`;
}
