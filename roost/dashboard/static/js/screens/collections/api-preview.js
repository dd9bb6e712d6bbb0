// The "API Preview" dialog of a collection: a tab per action (api-actions.js) with the JS SDK
// call, the REST request, the rule that applies, the parameters and an example response.
import { html, useState } from "../../html.js";
import { Dialog } from "../../components/dialog.js";
import { Tabs, TabPanel } from "../../components/tabs.js";
import { Highlighted } from "../../components/code-textarea.js";
import { apiActions } from "./api-actions.js";

function RuleLine({ rule }) {
  const { name, value, note } = rule;
  return html`<p class="api-rule"><span class="muted">${name}${note ? " (" + note + ")" : ""}: </span>${value === null || value === undefined
    ? html`<strong>Superusers only</strong>`
    : value === "" ? html`<strong>Everyone</strong> <span class="muted">(empty rule)</span>`
      : html`<code class="code-highlight-inline"><${Highlighted} text=${value}/></code>`}</p>`;
}

function Rules({ rules }) {
  if (!rules.length) return html`<p class="api-rule muted">No API rule applies: the server checks the request itself.</p>`;
  return rules.map((r) => html`<${RuleLine} key=${r.name} rule=${r}/>`);
}

function ParamsTable({ caption, params, withRequired }) {
  if (!params.length) return null;
  return html`<div class="table-wrap"><table class="table api-params">
    <caption>${caption}</caption>
    <thead><tr><th scope="col">Param</th><th scope="col">Type</th>${withRequired ? html`<th scope="col">Required</th>` : null}<th scope="col">Description</th></tr></thead>
    <tbody>${params.map((p) => html`<tr key=${p.name}>
      <th scope="row"><code>${p.name}</code></th><td class="mono">${p.type}</td>
      ${withRequired ? html`<td>${p.required ? "Required" : "Optional"}</td>` : null}<td>${p.note}</td></tr>`)}</tbody>
  </table></div>`;
}

function ActionDetails({ action }) {
  return html`<div class="stack api-action">
    <p>${action.summary}</p>
    <section aria-label="JavaScript SDK"><h3>JavaScript SDK</h3><pre class="code-block"><code>${action.sdk}</code></pre></section>
    <section aria-label="REST request"><h3>REST request</h3>
      <p class="api-request"><strong class=${"method method-" + action.method.toLowerCase()}>${action.method}</strong> <code>${action.path}</code></p>
      <${Rules} rules=${action.rules}/>
      <${ParamsTable} caption="Query parameters" params=${action.query}/>
      <${ParamsTable} caption="Body parameters" params=${action.body} withRequired=${true}/>
    </section>
    <section aria-label="Response"><h3>Response</h3>
      ${action.response === null ? html`<p class="mono">204 No Content</p>`
        : html`<pre class="code-block"><code>${JSON.stringify(action.response, null, 2)}</code></pre>`}
    </section>
  </div>`;
}

export function ApiPreview({ collection, onClose }) {
  const actions = apiActions(collection);
  const [tab, setTab] = useState(actions[0].id);
  const action = actions.find((a) => a.id === tab) || actions[0];
  const setup = `import PocketBase from "pocketbase";\n\nconst pb = new PocketBase(${JSON.stringify(window.location.origin)});`;
  return html`<${Dialog} open=${true} title=${"API Preview: " + collection.name} wide=${true} class="api-preview" onClose=${onClose}>
    <pre class="code-block"><code>${setup}</code></pre>
    <${Tabs} idPrefix="api" tabs=${actions.map((a) => ({ id: a.id, label: a.label }))} active=${action.id} onChange=${setTab}/>
    <${TabPanel} idPrefix="api" id=${action.id} active=${action.id}><${ActionDetails} action=${action}/></${TabPanel}>
  </${Dialog}>`;
}

// the header button that opens it (hooked into the records table's header)
export function ApiPreviewButton({ collection }) {
  const [open, setOpen] = useState(false);
  return html`<button type="button" class="btn btn-secondary" onClick=${() => setOpen(true)}>API Preview</button>
    ${open ? html`<${ApiPreview} collection=${collection} onClose=${() => setOpen(false)}/>` : null}`;
}
