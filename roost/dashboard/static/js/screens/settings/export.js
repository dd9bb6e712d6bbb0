// Settings > Export collections: pick collections, see their JSON, copy it or download it (the
// file "Import collections" and pb.collections.import() take).
import { html, useState, useEffect } from "../../html.js";
import { toast } from "../../toasts.js";
import { errorMessage } from "../../pb.js";
import { loadCollections } from "../../collections-store.js";
import { Toggle } from "../../components/field.js";
import { Button } from "../../components/button.js";

// what the import needs: no timestamps (they are the server's)
function exportable(c) {
  const { created, updated, ...rest } = c;
  return rest;
}

export default function Export() {
  const [all, setAll] = useState(null);
  const [picked, setPicked] = useState(new Set());
  useEffect(() => {
    loadCollections().then((list) => { setAll(list); setPicked(new Set(list.map((c) => c.id))); },
      (err) => { setAll([]); toast(errorMessage(err), "error"); });
  }, []);
  if (!all) return html`<p class="loading">Loading…</p>`;
  const chosen = all.filter((c) => picked.has(c.id)).map(exportable);
  const json = JSON.stringify(chosen, null, 2);
  const toggle = (id, on) => { const next = new Set(picked); on ? next.add(id) : next.delete(id); setPicked(next); };
  const copy = () => navigator.clipboard.writeText(json).then(() => toast("The configuration was copied to your clipboard!"),
    () => toast("Copying is not allowed here; select the text and copy it.", "error"));
  function download() {
    const url = URL.createObjectURL(new Blob([json], { type: "application/json" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = "pb_schema.json";
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }
  return html`<div class="panel stack">
    <p class="muted">Export the collections configuration (fields, rules, indexes, options) to import it in another app.</p>
    <fieldset class="stack"><legend>Collections</legend>
      <${Toggle} label="Select all" checked=${picked.size === all.length}
        onChange=${(on) => setPicked(new Set(on ? all.map((c) => c.id) : []))}/>
      <div class="grid-2">${all.map((c) => html`<${Toggle} key=${c.id} label=${c.name} checked=${picked.has(c.id)}
        onChange=${(on) => toggle(c.id, on)}/>`)}</div>
    </fieldset>
    <label for="export-json">Collections JSON</label>
    <textarea id="export-json" class="mono" rows="16" readonly value=${json}></textarea>
    <div class="form-actions">
      <${Button} onClick=${copy} disabled=${!chosen.length}>Copy<//>
      <${Button} kind="primary" onClick=${download} disabled=${!chosen.length}>Download as JSON<//>
    </div>
  </div>`;
}
