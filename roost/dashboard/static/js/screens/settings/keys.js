// Settings > API keys (/api/keys): long-lived keys that act as one auth record (or as the
// superuser creating them). The secret is shown once, on create; "Revoke" deletes the key.
import { html, useState, useEffect } from "../../html.js";
import { pb, errorMessage } from "../../pb.js";
import { toast } from "../../toasts.js";
import { collections } from "../../collections-store.js";
import { confirm } from "../../components/confirm.js";
import { Field } from "../../components/field.js";
import { Button } from "../../components/button.js";
import { Dialog } from "../../components/dialog.js";
import { flatErrors } from "./use-settings.js";

const EMPTY = { name: "", collection: "", record: "", expires: "", maxRequests: "", duration: "" };

// the form's values as the API takes them
function body(form, creating) {
  const out = { name: form.name.trim() };
  if (creating && form.collection) { out.collection = form.collection; out.record = form.record.trim(); }
  out.expires = form.expires ? new Date(form.expires).toISOString().replace("T", " ") : "";
  out.rateLimit = form.maxRequests ? { maxRequests: Number(form.maxRequests), duration: Number(form.duration || 1) } : null;
  return out;
}

function KeyForm({ editing, onClose, onSaved }) {
  const creating = editing === "new";
  const [form, setForm] = useState(creating ? EMPTY : {
    ...EMPTY, name: editing.name,
    expires: editing.expires ? editing.expires.replace(" ", "T").slice(0, 16) : "",
    maxRequests: editing.rateLimit ? editing.rateLimit.maxRequests : "",
    duration: editing.rateLimit ? editing.rateLimit.duration : "",
  });
  const [errors, setErrors] = useState({});
  const [busy, setBusy] = useState(false);
  const set = (k) => (e) => setForm({ ...form, [k]: e.target.value });
  const auths = collections.value.filter((c) => c.type === "auth" && c.name !== "_superusers");
  async function save(e) {
    if (e) e.preventDefault();
    setBusy(true);
    setErrors({});
    try {
      const saved = creating
        ? await pb.send("/api/keys", { method: "POST", body: body(form, true) })
        : await pb.send("/api/keys/" + encodeURIComponent(editing.id), { method: "PATCH", body: body(form, false) });
      toast(creating ? `Successfully created API key "${saved.name}".` : `Successfully saved API key "${saved.name}".`);
      onSaved(saved);
    } catch (err) {
      setErrors(flatErrors(err && err.response && err.response.data));
      toast(errorMessage(err), "error");
    } finally {
      setBusy(false);
    }
  }
  return html`<${Dialog} open=${true} title=${creating ? "New API key" : "Edit API key"} onClose=${onClose}
    footer=${html`<${Button} onClick=${onClose}>Cancel<//><${Button} kind="primary" busy=${busy} onClick=${save}>${creating ? "Create" : "Save changes"}<//>`}>
    <form class="stack" onSubmit=${save} novalidate>
      <${Field} label="Name" required value=${form.name} error=${errors.name} onInput=${set("name")}/>
      ${creating ? html`<${Field} label="Acts as" error=${errors.collection}
        hint="Leave on yourself for a superuser key">${(id) => html`<select id=${id} value=${form.collection} onChange=${set("collection")}>
          <option value="">Yourself (superuser)</option>
          ${auths.map((c) => html`<option value=${c.name}>a record of ${c.name}</option>`)}</select>`}<//>
      ${form.collection ? html`<${Field} label="Record id" required value=${form.record} error=${errors.record} onInput=${set("record")}/>` : null}` : null}
      <${Field} label="Expires" type="datetime-local" value=${form.expires} error=${errors.expires}
        hint="Empty: never expires" onInput=${set("expires")}/>
      <div class="grid-2">
        <${Field} label="Rate limit: max requests" type="number" min="1" value=${form.maxRequests}
          error=${errors["rateLimit.maxRequests"] || errors.rateLimit} hint="Empty: only the app's rate limits" onInput=${set("maxRequests")}/>
        <${Field} label="Per seconds" type="number" min="1" value=${form.duration} error=${errors["rateLimit.duration"]} onInput=${set("duration")}/>
      </div>
    </form>
  <//>`;
}

function Secret({ created, onClose }) {
  const copy = () => navigator.clipboard.writeText(created.key).then(() => toast("Copied to clipboard."), () => {});
  return html`<${Dialog} open=${true} title="API key created" onClose=${onClose}
    footer=${html`<${Button} onClick=${copy}>Copy<//><${Button} kind="primary" onClick=${onClose}>Done<//>`}>
    <p>Copy the key of <strong>${created.name}</strong> now: it is not shown again.</p>
    <label for="new-key-secret">API key</label>
    <input id="new-key-secret" class="mono" readonly value=${created.key}/>
    <p class="muted">Send it as the <code>Authorization</code> header, or in the SDK: <code>pb.authStore.save(key)</code>.</p>
  <//>`;
}

export default function ApiKeys() {
  const [keys, setKeys] = useState(null);
  const [editing, setEditing] = useState(null);
  const [created, setCreated] = useState(null);
  const load = () => pb.send("/api/keys", {}).then(setKeys, (err) => { setKeys([]); toast(errorMessage(err), "error"); });
  useEffect(() => { load(); }, []);
  async function revoke(k) {
    const ok = await confirm({ title: "Revoke API key", message: `Revoke "${k.name}"? Requests with it stop working at once.`, confirmLabel: "Revoke" });
    if (!ok) return;
    try {
      await pb.send("/api/keys/" + encodeURIComponent(k.id), { method: "DELETE" });
      toast(`Successfully revoked API key "${k.name}".`);
      load();
    } catch (err) {
      toast(errorMessage(err), "error");
    }
  }
  const saved = (k) => { const wasNew = editing === "new"; setEditing(null); if (wasNew) setCreated(k); load(); };
  return html`<div class="panel stack">
    <div class="row"><p class="muted grow">Keys for scripts and servers: each acts as one auth record, within its own rate limit.</p>
      <${Button} kind="primary" onClick=${() => setEditing("new")}>New API key<//></div>
    ${keys === null ? html`<p class="loading">Loading…</p>` : keys.length === 0 ? html`<p class="muted">No API keys yet.</p>` : html`
    <div class="table-wrap"><table class="table" aria-label="API keys">
      <thead><tr><th scope="col">Name</th><th scope="col">Acts as</th><th scope="col">Expires</th><th scope="col">Rate limit</th>
        <th scope="col">Created</th><th scope="col" aria-label="Actions"></th></tr></thead>
      <tbody>${keys.map((k) => html`<tr key=${k.id}>
        <td>${k.name}</td><td><code>${k.collectionName}/${k.recordId}</code></td>
        <td class="nowrap">${k.expires || html`<span class="muted">never</span>`}</td>
        <td class="nowrap">${k.rateLimit ? `${k.rateLimit.maxRequests} / ${k.rateLimit.duration}s` : html`<span class="muted">none</span>`}</td>
        <td class="nowrap">${k.created}</td>
        <td class="nowrap"><${Button} class="btn-sm" aria-label=${"Edit " + k.name} onClick=${() => setEditing(k)}>Edit<//>
          <${Button} class="btn-sm" kind="danger" aria-label=${"Revoke " + k.name} onClick=${() => revoke(k)}>Revoke<//></td></tr>`)}</tbody>
    </table></div>`}
    ${editing ? html`<${KeyForm} editing=${editing} onClose=${() => setEditing(null)} onSaved=${saved}/>` : null}
    ${created ? html`<${Secret} created=${created} onClose=${() => setCreated(null)}/>` : null}
  </div>`;
}
