// Settings > SQL console: run one query as a superuser (POST /api/sql). Reads answer their rows
// (at most 1000, every cell as text); writes run in a transaction and answer the affected rows.
import { html, useState } from "../../html.js";
import { pb, errorMessage } from "../../pb.js";
import { Button } from "../../components/button.js";

const HISTORY_KEY = "roost_sql_history";

function readHistory() {
  try { return JSON.parse(window.localStorage.getItem(HISTORY_KEY) || "[]"); } catch (e) { return []; }
}

export default function Sql() {
  const [query, setQuery] = useState("");
  const [result, setResult] = useState(null);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const [history, setHistory] = useState(readHistory);

  async function run(e) {
    if (e) e.preventDefault();
    if (!query.trim()) { setError("Type a query first."); return; }
    setBusy(true);
    setError("");
    try {
      setResult(await pb.send("/api/sql", { method: "POST", body: { query } }));
      const next = [query, ...history.filter((q) => q !== query)].slice(0, 20);
      setHistory(next);
      window.localStorage.setItem(HISTORY_KEY, JSON.stringify(next));
    } catch (err) {
      setResult(null);
      const field = err.response && err.response.data && err.response.data.query;
      setError(field ? field.message : errorMessage(err));
    } finally {
      setBusy(false);
    }
  }
  const keys = (e) => { if ((e.ctrlKey || e.metaKey) && e.key === "Enter") run(e); };
  const isWrite = result && result.columns.length === 0;
  return html`<div class="stack">
    <form class="panel stack" onSubmit=${run} novalidate>
      <div class=${"field" + (error ? " has-error" : "")}><label for="sql-query">SQL query</label>
        <textarea id="sql-query" class="mono" rows="6" value=${query} spellcheck="false" placeholder="SELECT * FROM _superusers LIMIT 10"
          aria-invalid=${error ? "true" : null} aria-describedby="sql-hint" onInput=${(e) => setQuery(e.target.value)} onKeyDown=${keys}></textarea>
        <small class="hint" id="sql-hint">Ctrl+Enter runs the query. Writes (INSERT, UPDATE, DELETE, CREATE, DROP, ALTER) run in a
          transaction and skip the app's hooks and validation; prefer the collections screens for schema changes.</small></div>
      ${error ? html`<pre class="field-error mono" role="alert">${error}</pre>` : null}
      <div class="form-actions">
        ${history.length ? html`<label class="row">History
          <select aria-label="Query history" onChange=${(e) => { if (e.target.value) setQuery(e.target.value); }}>
            <option value="">Pick a previous query…</option>
            ${history.map((q) => html`<option value=${q}>${q.length > 80 ? q.slice(0, 80) + "…" : q}</option>`)}
          </select></label>` : null}
        <${Button} type="submit" kind="primary" busy=${busy}>Run query<//>
      </div>
    </form>
    ${result ? html`<section class="stack" aria-label="Query result">
      <p class="muted" role="status">${isWrite ? `${result.affectedRows} affected rows` : `${result.rows.length} rows`} · ${result.execTime} ms</p>
      ${isWrite ? null : html`<div class="table-wrap"><table class="table" aria-label="Results">
        <thead><tr>${result.columns.map((c) => html`<th scope="col" title=${c.type}>${c.name}</th>`)}</tr></thead>
        <tbody>${result.rows.map((row, i) => html`<tr key=${i}>${row.map((v) => html`<td class="cell-wrap">${v === null ? html`<span class="muted">NULL</span>` : v}</td>`)}</tr>`)}</tbody>
      </table></div>`}
    </section>` : null}
  </div>`;
}
