// Settings > Application: name, URL, controls, batch API, rate limits, trusted proxy and the IPs
// superusers may call from (settings.meta, batch, rateLimits, trustedProxy, superuserIPs).
import { html } from "../../html.js";
import { Field, Toggle } from "../../components/field.js";
import { Button } from "../../components/button.js";
import { useSettings, useListText } from "./use-settings.js";

const num = (v) => (v === "" ? 0 : Number(v));

function ListField({ label, list, onList, ...rest }) {
  const [text, setText] = useListText(list);
  return html`<${Field} label=${label} value=${text} onInput=${(ev) => setText(ev.target.value, onList)} ...${rest}/>`;
}

function RateLimitRules({ rules, set, errors }) {
  const update = (i, key, value) => set("rateLimits.rules", rules.map((r, j) => (j === i ? { ...r, [key]: value } : r)));
  return html`<div class="stack">
    ${rules.length === 0 ? html`<p class="muted">No rate limit rules.</p>` : null}
    ${rules.map((r, i) => html`<fieldset class="row" key=${i} aria-label=${"Rate limit rule " + (i + 1)}>
      <${Field} label="Label" value=${r.label} error=${errors[`rateLimits.rules.${i}.label`]}
        hint="A path prefix (/api/), a tag (*:auth, users:create) or both"
        onInput=${(e) => update(i, "label", e.target.value)}/>
      <${Field} label="Max requests" type="number" min="1" value=${r.maxRequests} error=${errors[`rateLimits.rules.${i}.maxRequests`]}
        onInput=${(e) => update(i, "maxRequests", num(e.target.value))}/>
      <${Field} label="Interval (in seconds)" type="number" min="1" value=${r.duration} error=${errors[`rateLimits.rules.${i}.duration`]}
        onInput=${(e) => update(i, "duration", num(e.target.value))}/>
      <${Field} label="Audience" error=${errors[`rateLimits.rules.${i}.audience`]}>${(id) => html`
        <select id=${id} value=${r.audience} onChange=${(e) => update(i, "audience", e.target.value)}>
          <option value="">All</option><option value="@guest">Guest only</option><option value="@auth">Auth only</option>
        </select>`}<//>
      <${Button} kind="link" aria-label=${"Remove rule " + (r.label || i + 1)}
        onClick=${() => set("rateLimits.rules", rules.filter((_, j) => j !== i))}>Remove<//>
    </fieldset>`)}
    <div><${Button} class="btn-sm" onClick=${() => set("rateLimits.rules", [...rules, { label: "", maxRequests: 300, duration: 10, audience: "" }])}>
      Add rate limit rule<//></div>
  </div>`;
}

export default function Application() {
  const s = useSettings();
  const d = s.draft;
  if (!d) return html`<p class="loading">Loading…</p>`;
  const e = s.errors;
  const save = (ev) => {
    ev.preventDefault();
    s.save(["meta", "batch", "rateLimits", "trustedProxy", "superuserIPs"], "Successfully saved application settings.");
  };
  return html`<form class="panel stack" onSubmit=${save} novalidate>
    <div class="grid-2">
      <${Field} label="Application name" value=${d.meta.appName} required error=${e["meta.appName"]}
        onInput=${(ev) => s.set("meta.appName", ev.target.value)}/>
      <${Field} label="Application URL" type="url" value=${d.meta.appURL} required error=${e["meta.appURL"]}
        onInput=${(ev) => s.set("meta.appURL", ev.target.value)}/>
    </div>
    <${Toggle} label="Hide collection create and edit controls" checked=${d.meta.hideControls}
      onChange=${(v) => s.set("meta.hideControls", v)}/>

    <h2>Batch API</h2>
    <${Toggle} label="Enable batch API" checked=${d.batch.enabled} onChange=${(v) => s.set("batch.enabled", v)}/>
    <div class="grid-2">
      <${Field} label="Max allowed batch requests" type="number" min="0" value=${d.batch.maxRequests} error=${e["batch.maxRequests"]}
        onInput=${(ev) => s.set("batch.maxRequests", num(ev.target.value))}/>
      <${Field} label="Max processing time (in seconds)" type="number" min="0" value=${d.batch.timeout} error=${e["batch.timeout"]}
        onInput=${(ev) => s.set("batch.timeout", num(ev.target.value))}/>
      <${Field} label="Max body size (in bytes)" type="number" min="0" value=${d.batch.maxBodySize} error=${e["batch.maxBodySize"]}
        hint="0 means the default (128MB)" onInput=${(ev) => s.set("batch.maxBodySize", num(ev.target.value))}/>
    </div>

    <h2>Rate limiting</h2>
    <${Toggle} label="Enable rate limiting" checked=${d.rateLimits.enabled} onChange=${(v) => s.set("rateLimits.enabled", v)}/>
    <${RateLimitRules} rules=${d.rateLimits.rules || []} set=${s.set} errors=${e}/>
    <${ListField} label="Excluded IPs" list=${d.rateLimits.excludedIPs} error=${e["rateLimits.excludedIPs"]}
      hint="Comma separated IPs or subnets that are never rate limited"
      onList=${(v) => s.set("rateLimits.excludedIPs", v)}/>

    <h2>User IP proxy headers</h2>
    <${ListField} label="Trusted proxy headers" list=${d.trustedProxy.headers} error=${e["trustedProxy.headers"]}
      hint="Comma separated, e.g. X-Forwarded-For, X-Real-IP. Leave empty when not behind a proxy."
      onList=${(v) => s.set("trustedProxy.headers", v)}/>
    <${Toggle} label="Use leftmost IP" checked=${d.trustedProxy.useLeftmostIP}
      hint="Use the leftmost (client) IP of the header instead of the rightmost (closest proxy) one"
      onChange=${(v) => s.set("trustedProxy.useLeftmostIP", v)}/>

    <h2>Superuser IPs</h2>
    <${ListField} label="Superuser IPs" list=${d.superuserIPs} error=${e.superuserIPs}
      hint="Comma separated IPs or subnets superusers may call from; empty allows any. Keep your own IP in the list."
      onList=${(v) => s.set("superuserIPs", v)}/>

    <div class="form-actions"><${Button} type="submit" kind="primary" busy=${s.busy}>Save changes<//></div>
  </form>`;
}
