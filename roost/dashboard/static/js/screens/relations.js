// #/collections/relations: the relations overview. For every collection, the relation fields it
// has and where they point (outgoing), and the relation fields of other collections that point at
// it (incoming: usable as `<collection>_via_<field>` in filters and expand). A table is the
// accessible view; the diagram above it draws the same edges.
import { html, useEffect } from "../html.js";
import { errorMessage } from "../pb.js";
import { toast } from "../toasts.js";
import { collections, collectionsLoaded, loadCollections } from "../collections-store.js";
import { relationsByCollection, relationEdges } from "./collections/relations-graph.js";
import { RelationsDiagram } from "./collections/relations-diagram.js";

const collectionLink = (c) => html`<a href=${"#/collections?collection=" + encodeURIComponent(c.name)}>${c.name}</a>`;

function Outgoing({ edges }) {
  if (!edges.length) return html`<span class="muted">None</span>`;
  return html`<ul class="relation-list">${edges.map((e) => html`<li key=${e.field.id || e.field.name}>
    <code>${e.field.name}</code> → ${e.target ? collectionLink(e.target) : html`<span class="form-error">missing collection</span>`}
    <span class="muted"> (${e.multiple ? "multiple" : "single"}${e.cascadeDelete ? ", cascade delete" : ""})</span></li>`)}</ul>`;
}

function Incoming({ edges }) {
  if (!edges.length) return html`<span class="muted">None</span>`;
  return html`<ul class="relation-list">${edges.map((e) => html`<li key=${e.via}>
    ${collectionLink(e.source)}.<code>${e.field.name}</code> <span class="muted">as</span> <code>${e.via}</code></li>`)}</ul>`;
}

export default function Relations() {
  useEffect(() => {
    loadCollections().catch((err) => toast(errorMessage(err, "Failed to load the collections."), "error"));
  }, []);
  const all = collections.value;
  const rows = relationsByCollection(all);
  const edges = relationEdges(all);
  return html`<div class="page stack relations-page">
    <header class="page-head">
      <h1><span class="muted">Collections / </span>Relations overview</h1>
      <a class="btn btn-secondary" href="#/collections">Back to collections</a>
    </header>
    <p class="muted">Outgoing relations are the collection's relation fields. Incoming relations are fields of other
      collections pointing at it; filters and expand reach them as <code>collection_via_field</code>.</p>
    ${!collectionsLoaded.value ? html`<p class="loading">Loading…</p>` : html`
      ${edges.length ? html`<${RelationsDiagram} rows=${rows} edges=${edges}/>` : html`<p class="muted">No relation fields yet.</p>`}
      <div class="table-wrap"><table class="table relations-table">
        <caption class="hidden">Relations of every collection</caption>
        <thead><tr><th scope="col">Collection</th><th scope="col">Outgoing relations</th><th scope="col">Incoming relations</th></tr></thead>
        <tbody>${rows.map((r) => html`<tr key=${r.collection.id}>
          <th scope="row">${collectionLink(r.collection)} <span class="badge">${r.collection.type}</span></th>
          <td><${Outgoing} edges=${r.outgoing}/></td>
          <td><${Incoming} edges=${r.incoming}/></td>
        </tr>`)}</tbody>
      </table></div>`}
  </div>`;
}
