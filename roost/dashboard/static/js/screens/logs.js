// #/logs: the latest request and app logs, newest first (the full Logs screen, with the chart,
// filters and detail view, grows from here).
import { html, useState, useEffect } from "../html.js";
import { pb, errorMessage } from "../pb.js";
import { toast } from "../toasts.js";

export default function Logs() {
  const [items, setItems] = useState(null);
  const load = () => pb.logs.getList(1, 50, { sort: "-created", skipTotal: true })
    .then((res) => setItems(res.items), (err) => { setItems([]); toast(errorMessage(err), "error"); });
  useEffect(() => { load(); }, []);
  return html`<section class="page">
    <header class="page-head"><h1>Logs</h1>
      <button type="button" class="btn btn-secondary" onClick=${load}>Refresh</button></header>
    ${items === null ? html`<p class="loading">Loading…</p>` : items.length === 0 ? html`<p class="muted">No logs found.</p>` : html`
    <div class="table-wrap"><table class="table">
      <thead><tr><th scope="col">Level</th><th scope="col">Message</th><th scope="col">Created</th></tr></thead>
      <tbody>${items.map((l) => html`<tr key=${l.id}>
        <td><span class=${"label label-level-" + l.level}>${levelName(l.level)}</span></td>
        <td class="cell-wrap">${l.message}${l.data && l.data.url ? html` <code>${l.data.method} ${l.data.url}</code>` : null}${l.data && l.data.status ? html` <span class="muted">${l.data.status}</span>` : null}</td>
        <td class="nowrap">${l.created}</td></tr>`)}</tbody>
    </table></div>`}
  </section>`;
}

function levelName(level) {
  return level >= 8 ? "ERROR" : level >= 4 ? "WARN" : level >= 0 ? "INFO" : "DEBUG";
}
