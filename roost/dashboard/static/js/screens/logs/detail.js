// One log in a dialog: its level, message and time, then every key of its data (request logs
// carry method, url, status, execTime, remoteIP, userAgent, auth...), and the raw JSON.
import { html } from "../../html.js";
import { Dialog } from "../../components/dialog.js";
import { Button } from "../../components/button.js";
import { levelName } from "./filters.js";

function show(value) {
  if (value === null || value === undefined || value === "") return html`<span class="muted">N/A</span>`;
  if (typeof value === "object") return html`<code>${JSON.stringify(value)}</code>`;
  return String(value);
}

export function LogDetail({ log, onClose }) {
  const data = (log && log.data) || {};
  const copy = () => navigator.clipboard && navigator.clipboard.writeText(JSON.stringify(log, null, 2));
  const title = data.type === "request" ? "Request log" : "Log";
  return html`<${Dialog} open=${!!log} title=${title} onClose=${onClose} wide
    footer=${html`<${Button} onClick=${copy}>Copy JSON<//><${Button} kind="primary" onClick=${onClose}>Close<//>`}>
    ${log ? html`<table class="table" aria-label="Log details"><tbody>
      <tr><th scope="row">id</th><td><code>${log.id}</code></td></tr>
      <tr><th scope="row">level</th><td><span class=${"label label-level-" + log.level}>${levelName(log.level)}</span> (${log.level})</td></tr>
      <tr><th scope="row">created</th><td>${log.created}</td></tr>
      <tr><th scope="row">message</th><td class="cell-wrap">${log.message}</td></tr>
      ${Object.keys(data).sort().map((k) => html`<tr key=${k}><th scope="row">data.${k}</th><td class="cell-wrap">${show(data[k])}</td></tr>`)}
    </tbody></table>
    <details><summary>Raw JSON</summary><pre class="mono">${JSON.stringify(log, null, 2)}</pre></details>` : null}
  <//>`;
}
