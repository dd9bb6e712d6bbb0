// Import records from a CSV (first row = field names) or JSON (an array of objects) file: a
// preview of the first rows, then one create per row (batched when the batch API is enabled) and
// the errors of each row that failed. Files and autodate fields are not imported.
import { html, useState } from "../../html.js";
import { Dialog } from "../../components/dialog.js";
import { Button } from "../../components/button.js";
import { Field, Toggle } from "../../components/field.js";
import { parseCSV } from "./csv.js";
import { parseValue } from "./fields.js";
import { runWrites } from "./writes.js";

const PREVIEW_ROWS = 10;

// the fields an import may set (password only for auth collections, files never)
function importable(coll, keepIds) {
  const map = new Map();
  for (const f of coll.fields) {
    if (f.type === "file" || f.type === "autodate" || f.name === "tokenKey") continue;
    if (f.name === "id" && !keepIds) continue;
    map.set(f.name, f);
  }
  if (coll.type === "auth") map.set("passwordConfirm", { name: "passwordConfirm", type: "text" });
  return map;
}

function parseFile(name, text) {
  if (/\.json$/i.test(name) || /^\s*[[{]/.test(text)) {
    const data = JSON.parse(text);
    const list = Array.isArray(data) ? data : [data];
    const header = [...new Set(list.flatMap((o) => Object.keys(o || {})))];
    return { header, rows: list.map((o) => header.map((h) => (o || {})[h])), typed: true };
  }
  const [header = [], ...rows] = parseCSV(text);
  return { header, rows, typed: false };
}

function bodyOf(parsed, row, fields) {
  const body = {};
  parsed.header.forEach((name, i) => {
    const f = fields.get(name);
    if (!f || row[i] === undefined) return;
    body[name] = parsed.typed || f.type === "password" ? row[i] : parseValue(f, row[i]);
  });
  if (body.password && !("passwordConfirm" in body)) body.passwordConfirm = body.password;
  return body;
}

export function ImportDialog({ collection: coll, onClose, onDone }) {
  const [parsed, setParsed] = useState(null);
  const [error, setError] = useState("");
  const [keepIds, setKeepIds] = useState(false);
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState(0);
  const [report, setReport] = useState(null);
  const fields = importable(coll, keepIds);

  const pick = async (e) => {
    const file = e.target.files[0];
    setReport(null); setError(""); setParsed(null);
    if (!file) return;
    try { setParsed(parseFile(file.name, await file.text())); }
    catch (err) { setError("The file could not be read: " + err.message); }
  };
  const run = async () => {
    setBusy(true);
    const ops = parsed.rows.map((row) => ({ action: "create", body: bodyOf(parsed, row, fields) }));
    const results = await runWrites(coll.name, ops, setProgress);
    setBusy(false);
    setReport({ total: ops.length, failed: results.map((r, i) => ({ ...r, row: i + 1 })).filter((r) => !r.ok) });
    onDone();
  };
  const used = parsed ? parsed.header.filter((h) => fields.has(h)) : [];
  const ignored = parsed ? parsed.header.filter((h) => !fields.has(h)) : [];
  const show = (v) => v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v);

  return html`<${Dialog} open=${true} wide=${true} title=${"Import " + coll.name + " records"} onClose=${onClose}
    footer=${html`<${Button} onClick=${onClose}>Close<//>
      ${parsed && !report ? html`<${Button} kind="primary" busy=${busy} disabled=${!parsed.rows.length} onClick=${run}>
        ${busy ? `Importing ${progress}/${parsed.rows.length}…` : `Import ${parsed.rows.length} ${parsed.rows.length === 1 ? "record" : "records"}`}<//>` : null}`}>
    <${Field} label="File (CSV or JSON)" error=${error}>${(id) => html`<input id=${id} type="file" accept=".csv,.json,text/csv,application/json" onChange=${pick}/>`}<//>
    <${Toggle} label="Keep the record ids of the file" checked=${keepIds} onChange=${setKeepIds}/>
    ${parsed ? html`<div class="stack">
      <p class="muted">${parsed.rows.length} rows. Columns imported: ${used.join(", ") || "none"}.
        ${ignored.length ? ` Ignored: ${ignored.join(", ")}.` : ""}</p>
      <div class="table-wrap"><table class="table">
        <caption>Preview</caption>
        <thead><tr><th scope="col">Row</th>${used.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
        <tbody>${parsed.rows.slice(0, PREVIEW_ROWS).map((row, i) => html`<tr><td>${i + 1}</td>
          ${used.map((h) => html`<td class="cell-wrap">${show(row[parsed.header.indexOf(h)])}</td>`)}</tr>`)}</tbody>
      </table></div>
    </div>` : null}
    ${report ? html`<div class="stack" role="status">
      <p><strong>Imported ${report.total - report.failed.length} of ${report.total} records.</strong></p>
      ${report.failed.length ? html`<ul class="import-errors" aria-label="Import errors">${report.failed.map((f) => html`<li>
        Row ${f.row}: ${f.message}${Object.entries(f.fields).map(([k, m]) => html` <code>${k}</code>: ${m}`)}</li>`)}</ul>` : null}
    </div>` : null}
  <//>`;
}
