// The OAuth2 part of an auth collection's options: the providers the server knows (name, display
// name, logo from /api/collections/meta/oauth2-providers), each added one with its client id and
// write-only secret and the endpoint overrides, and the OAuth2 field mapping (oauth2.mappedFields).
import { html, useState, useEffect } from "../../html.js";
import { pb } from "../../pb.js";
import { Field, Toggle } from "../../components/field.js";
import { Button } from "../../components/button.js";

// providers whose endpoints are the admin's to give (OpenID Connect ones need all of them)
const OIDC = new Set(["oidc", "oidc2", "oidc3"]);
const MAPPED = [["id", "OAuth2 id"], ["name", "OAuth2 name"], ["username", "OAuth2 username"], ["avatarURL", "OAuth2 avatar"]];

const logoURL = (svg) => (svg ? "data:image/svg+xml;charset=utf-8," + encodeURIComponent(svg) : "");

// the server's messages for providers.N.key, from the collection save's errors
function providerError(errors, i, key) {
  const one = errors && errors.providers && errors.providers[i];
  return one && one[key] && one[key].message;
}

function ProviderForm({ provider, info, index, errors, saved, stale, onChange, onRemove }) {
  const title = provider.displayName || (info && info.displayName) || provider.name;
  const set = (patch) => onChange({ ...provider, ...patch });
  const err = (key) => providerError(errors, index, key);
  const [open, setOpen] = useState(OIDC.has(provider.name));
  return html`<fieldset class="panel stack oauth2-provider" aria-label=${title + " provider"}>
    <legend class="row">${info && info.logo ? html`<img class="thumb" src=${logoURL(info.logo)} alt=""/>` : null}
      <strong>${title}</strong> <span class="muted">(${provider.name})</span></legend>
    <div class="grid-2">
      <${Field} label="Client ID" value=${provider.clientId || ""} error=${err("clientId")} autocomplete="off"
        onInput=${(e) => set({ clientId: e.target.value })}/>
      <${Field} label="Client secret" type="password" autocomplete="new-password" value=${provider.clientSecret || ""}
        error=${err("clientSecret") || (stale ? "Enter the client secret again: the providers list changed." : null)}
        placeholder=${saved && !stale ? "Unchanged" : ""} hint=${saved ? "Leave empty to keep the saved secret." : null}
        onInput=${(e) => set({ clientSecret: e.target.value })}/>
    </div>
    <${Toggle} label=${"Endpoints and display options of " + title} checked=${open} onChange=${setOpen}/>
    ${open ? html`<div class="stack">
      <div class="grid-2">
        <${Field} label="Display name" value=${provider.displayName || ""} placeholder=${(info && info.displayName) || ""}
          error=${err("displayName")} onInput=${(e) => set({ displayName: e.target.value })}/>
        <${Field} label="Auth URL" type="url" value=${provider.authURL || ""} error=${err("authURL")}
          onInput=${(e) => set({ authURL: e.target.value })}/>
        <${Field} label="Token URL" type="url" value=${provider.tokenURL || ""} error=${err("tokenURL")}
          onInput=${(e) => set({ tokenURL: e.target.value })}/>
        <${Field} label="User info URL" type="url" value=${provider.userInfoURL || ""} error=${err("userInfoURL")}
          onInput=${(e) => set({ userInfoURL: e.target.value })}/>
      </div>
      <${Toggle} label="Support PKCE" checked=${provider.pkce !== false}
        hint="Turn off only for providers that reject the PKCE parameters."
        onChange=${(v) => set({ pkce: v })}/>
    </div>` : null}
    <div class="row"><${Button} kind="danger" class="btn-sm" onClick=${onRemove}>${"Remove " + title}<//></div>
  </fieldset>`;
}

export function OAuth2Providers({ oauth2, fields, errors, onChange }) {
  const [known, setKnown] = useState([]);
  const [pick, setPick] = useState("");
  // positions the server merges stored secrets by: a provider that moved must send its secret again
  const [stale, setStale] = useState(() => new Set());
  useEffect(() => {
    pb.collections.getAllOAuth2Providers().then(setKnown).catch(() => setKnown([]));
  }, []);
  // providers loaded from the server keep their secret there: their form says "Unchanged"
  const [saved] = useState(() => new Set((oauth2.providers || []).map((p) => p.name)));
  const providers = oauth2.providers || [];
  const setProviders = (list) => onChange({ providers: list });
  const infoOf = (name) => known.find((k) => k.name === name);
  const available = known.filter((k) => !providers.some((p) => p.name === k.name));
  const add = () => {
    const name = pick || (available[0] && available[0].name);
    if (!name) return;
    setProviders([...providers, { name, clientId: "", clientSecret: "", authURL: "", tokenURL: "", userInfoURL: "", displayName: "", pkce: null }]);
    setPick("");
  };
  const remove = (i) => {
    const next = new Set(stale);
    providers.slice(i + 1).forEach((p) => next.add(p.name));
    setStale(next);
    setProviders(providers.filter((_, j) => j !== i));
  };
  const mapped = oauth2.mappedFields || {};
  const names = (fields || []).filter((f) => !f._deleted && f.name && f.type !== "password").map((f) => f.name);
  return html`<div class="stack">
    <h4>Providers</h4>
    ${providers.length ? null : html`<p class="muted">No OAuth2 providers added yet.</p>`}
    ${providers.map((p, i) => html`<${ProviderForm} key=${p.name} provider=${p} info=${infoOf(p.name)} index=${i} errors=${errors}
      saved=${saved.has(p.name)} stale=${stale.has(p.name) && saved.has(p.name) && !p.clientSecret}
      onChange=${(np) => setProviders(providers.map((q, j) => (j === i ? np : q)))} onRemove=${() => remove(i)}/>`)}
    <div class="row">
      <${Field} label="Provider">${(id) => html`<select id=${id} value=${pick || (available[0] && available[0].name) || ""} onChange=${(e) => setPick(e.target.value)}>
        ${available.map((k) => html`<option value=${k.name}>${k.displayName} (${k.name})</option>`)}</select>`}<//>
      <${Button} onClick=${add} disabled=${!available.length}>Add provider<//>
    </div>
    <h4>OAuth2 fields mapping</h4>
    <p class="hint">Record fields filled from the OAuth2 account on sign-up.</p>
    <div class="grid-2">${MAPPED.map(([key, label]) => html`<${Field} label=${label}>${(id) => html`<select id=${id}
      value=${mapped[key] || ""} onChange=${(e) => onChange({ mappedFields: { ...mapped, [key]: e.target.value } })}>
      <option value="">- None -</option>${names.map((n) => html`<option value=${n}>${n}</option>`)}</select>`}<//>`)}</div>
  </div>`;
}
