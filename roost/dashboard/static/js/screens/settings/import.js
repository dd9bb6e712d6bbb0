// Settings > Import collections: paste or load a collections JSON, review what would be added,
// changed and deleted, then "Confirm and import" (pb.collections.import).
import { html, useState } from "../../html.js";
import { pb, errorMessage } from "../../pb.js";
import { toast } from "../../toasts.js";
import { loadCollections } from "../../collections-store.js";
import { Toggle } from "../../components/field.js";
import { Button } from "../../components/button.js";
import { parseImport, diffCollections } from "./import-diff.js";

const KIND_LABEL = { added: "Added", changed: "Changed", deleted: "Deleted" };

function Review({ changes }) {
  if (!changes.length) return html`<p role="status">Your collections configuration is already up-to-date!</p>`;
  return html`<section class="stack" aria-label="Detected changes">
    <h2>Detected changes</h2>
    <ul class="stack">${changes.map((c) => html`<li key=${c.kind + c.name}>
      <span class=${"label" + (c.kind === "deleted" ? " label-level-8" : c.kind === "changed" ? " label-level-4" : "")}>${KIND_LABEL[c.kind]}</span>
      <strong> ${c.name}</strong>
      ${c.details.length ? html`<ul>${c.details.map((d) => html`<li class="cell-wrap"><code>${d.text}</code></li>`)}</ul>` : null}
      ${c.before && c.after ? html`<details><summary>Side by side</summary><div class="grid-2">
        <pre class="mono" aria-label=${"Old " + c.name}>${JSON.stringify(c.before, null, 2)}</pre>
        <pre class="mono" aria-label=${"New " + c.name}>${JSON.stringify(c.after, null, 2)}</pre></div></details>` : null}
    </li>`)}</ul>
  </section>`;
}

export default function Import() {
  const [text, setText] = useState("");
  const [merge, setMerge] = useState(false);
  const [review, setReview] = useState(null);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  const edited = (value) => { setText(value); setReview(null); setError(""); };
  async function loadFile(e) {
    const file = e.target.files && e.target.files[0];
    if (file) edited(await file.text());
    e.target.value = "";
  }
  async function doReview() {
    const parsed = parseImport(text);
    if (parsed.error) { setError(parsed.error); return; }
    try {
      const current = await loadCollections();
      setReview({ collections: parsed.collections, changes: diffCollections(current, parsed.collections, merge) });
    } catch (err) {
      toast(errorMessage(err), "error");
    }
  }
  async function apply() {
    setBusy(true);
    try {
      await pb.collections.import(review.collections, !merge);
      await loadCollections();
      toast("Successfully imported collections configuration.");
      setReview(null);
      setText("");
    } catch (err) {
      const data = (err.response && err.response.data && err.response.data.collections) || null;
      setError(errorMessage(err) + (data ? " " + (data.message || JSON.stringify(data)) : ""));
      toast(errorMessage(err), "error");
    } finally {
      setBusy(false);
    }
  }
  return html`<div class="panel stack">
    <p class="muted">Paste the JSON of "Export collections" (or load its file), review the changes, then import.</p>
    <div class="field"><label for="import-file">Load from JSON file</label>
      <input id="import-file" type="file" accept=".json,application/json" onChange=${loadFile}/></div>
    <div class=${"field" + (error ? " has-error" : "")}><label for="import-json">Collections</label>
      <textarea id="import-json" class="mono" rows="14" value=${text} aria-invalid=${error ? "true" : null}
        aria-describedby=${error ? "import-error" : null} onInput=${(e) => edited(e.target.value)}></textarea>
      ${error ? html`<small class="field-error" id="import-error" role="alert">${error}</small>` : null}</div>
    <${Toggle} label="Merge with the existing collections" checked=${merge}
      hint="Off: collections missing from the JSON are deleted, with their records."
      onChange=${(v) => { setMerge(v); setReview(null); }}/>
    ${review ? html`<${Review} changes=${review.changes}/>` : null}
    <div class="form-actions">
      ${review ? html`<${Button} onClick=${() => setReview(null)}>Clear review<//>` : null}
      <${Button} kind=${review ? "secondary" : "primary"} disabled=${!text.trim()} onClick=${doReview}>Review<//>
      ${review && review.changes.length ? html`<${Button} kind="primary" busy=${busy} onClick=${apply}>Confirm and import<//>` : null}
    </div>
  </div>`;
}
