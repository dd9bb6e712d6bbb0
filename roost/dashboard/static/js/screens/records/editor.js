// The record editor: an input per field, "Create" / "Save changes" (Ctrl+S too), a draft kept in
// localStorage while editing (offered back when the editor opens again), Duplicate and Delete,
// "Copy JSON", and for auth records: verify/unverify, send a password reset email, impersonate and
// the linked OAuth2 accounts.
import { html, useState, useEffect } from "../../html.js";
import { pb, errorMessage, fieldErrors } from "../../pb.js";
import { toast } from "../../toasts.js";
import { confirm } from "../../components/confirm.js";
import { Dialog } from "../../components/dialog.js";
import { Button } from "../../components/button.js";
import { Field, Toggle } from "../../components/field.js";
import { editableFields, isMulti } from "./fields.js";
import { FieldInput } from "./inputs.js";
import { AuthActions } from "./auth-actions.js";
import { ExternalAuths } from "./external-auths.js";

const draftKey = (coll, record) => `roost_record_draft_${coll.id}_${record && record.id ? record.id : "new"}`;

function initialValues(coll, record) {
  const values = {};
  for (const f of editableFields(coll)) {
    const v = record ? record[f.name] : undefined;
    if (f.type === "file") {
      const names = record && record.id ? (Array.isArray(v) ? v : v ? [v] : []) : [];
      values[f.name] = { kept: names, added: [], removed: [] };
    } else if (v !== undefined) values[f.name] = v;
    else if (f.type === "bool") values[f.name] = false;
    else if (f.type === "select" || f.type === "relation") values[f.name] = isMulti(f) ? [] : "";
    else if (f.type === "json" || f.type === "number" || f.type === "geoPoint") values[f.name] = null;
    else values[f.name] = "";
  }
  return values;
}

// the request body: changed files as name+ / name- (or the single file), never autodates
function bodyOf(coll, values, extra, isNew) {
  const body = { ...extra };
  for (const f of editableFields(coll)) {
    const v = values[f.name];
    if (f.type === "autodate") continue;
    if (f.type === "file") {
      if (isMulti(f)) {
        if (v.added.length) body[f.name + "+"] = v.added;
        if (v.removed.length && !isNew) body[f.name + "-"] = v.removed;
      } else if (v.added.length) body[f.name] = v.added[0];
      else if (v.removed.length && !v.kept.length && !isNew) body[f.name] = "";
      continue;
    }
    if (f.type === "geoPoint" && v === null) continue;
    body[f.name] = v;
  }
  return body;
}

function readDraft(key) {
  try { return JSON.parse(window.localStorage.getItem(key) || "null"); } catch (e) { return null; }
}

export function RecordEditor({ collection: coll, record, onClose, onSaved, onDuplicate }) {
  const isNew = !record || !record.id;
  const key = draftKey(coll, record);
  const [values, setValues] = useState(() => initialValues(coll, record));
  const [customId, setCustomId] = useState("");
  const [password, setPassword] = useState({ change: isNew, password: "", passwordConfirm: "" });
  const [errors, setErrors] = useState({});
  const [busy, setBusy] = useState(false);
  const [draft, setDraft] = useState(() => readDraft(key));
  const [touched, setTouched] = useState(false);
  const isAuth = coll.type === "auth";

  const set = (name, v) => { setValues({ ...values, [name]: v }); setTouched(true); };
  useEffect(() => {
    if (!touched) return;
    // files cannot be kept in localStorage: the draft holds everything else
    const plain = Object.fromEntries(Object.entries(values).filter(([, v]) => !(v && v.added)));
    window.localStorage.setItem(key, JSON.stringify(plain));
  }, [values, touched]);

  const restore = () => { setValues({ ...values, ...draft }); setDraft(null); setTouched(true); };
  const discard = () => { window.localStorage.removeItem(key); setDraft(null); };

  const save = async (e) => {
    if (e) e.preventDefault();
    if (busy) return;
    const extra = {};
    if (isNew && customId.trim()) extra.id = customId.trim();
    if (isAuth && password.change) { extra.password = password.password; extra.passwordConfirm = password.passwordConfirm; }
    setBusy(true);
    setErrors({});
    try {
      const svc = pb.collection(coll.name);
      const body = bodyOf(coll, values, extra, isNew);
      const saved = isNew ? await svc.create(body) : await svc.update(record.id, body);
      window.localStorage.removeItem(key);
      toast(isNew ? `Successfully created record.` : `Successfully saved changes.`);
      onSaved(saved);
    } catch (err) {
      setErrors(fieldErrors(err));
      toast(errorMessage(err, "Failed to save the record."), "error");
    } finally { setBusy(false); }
  };
  const remove = async () => {
    if (!(await confirm({ title: "Do you really want to delete the selected record?" }))) return;
    try {
      await pb.collection(coll.name).delete(record.id);
      window.localStorage.removeItem(key);
      toast("Successfully deleted record.");
      onSaved(null);
    } catch (err) { toast(errorMessage(err, "Failed to delete the record."), "error"); }
  };
  const duplicate = () => {
    const copy = {};
    for (const f of editableFields(coll)) if (f.type !== "file" && f.type !== "autodate") copy[f.name] = values[f.name];
    onDuplicate(copy);
  };
  const copyJSON = async () => {
    try {
      await navigator.clipboard.writeText(JSON.stringify(record, null, 2));
      toast("Copied the record JSON to the clipboard.");
    } catch (err) { toast("Failed to copy to the clipboard.", "error"); }
  };
  const keys = (e) => {
    if ((e.ctrlKey || e.metaKey) && (e.key === "s" || e.key === "S")) { e.preventDefault(); save(); }
  };

  const title = isNew ? `New ${coll.name} record` : `Edit ${coll.name} record`;
  return html`<${Dialog} open=${true} wide=${true} title=${title} onClose=${onClose} onKeyDown=${keys}
    footer=${html`<${Button} onClick=${onClose}>Cancel<//>
      <${Button} kind="primary" busy=${busy} onClick=${save}>${isNew ? "Create" : "Save changes"}<//>`}>
    ${draft ? html`<div class="panel draft-banner row" role="status">
      <span class="grow">The record has previous unsaved changes.</span>
      <${Button} kind="secondary" class="btn-sm" onClick=${restore}>Restore draft<//>
      <${Button} kind="link" class="btn-sm" onClick=${discard}>Discard draft<//></div>` : null}
    ${!isNew ? html`<div class="row record-actions">
      <code class="grow">${record.id}</code>
      <${Button} kind="secondary" class="btn-sm" onClick=${copyJSON}>Copy JSON<//>
      <${Button} kind="secondary" class="btn-sm" onClick=${duplicate}>Duplicate<//>
      ${coll.type !== "view" ? html`<${Button} kind="danger" class="btn-sm" onClick=${remove}>Delete<//>` : null}
    </div>
    ${isAuth ? html`<${AuthActions} collection=${coll} record=${record} onChanged=${(r) => setValues((v) => ({ ...v, verified: r.verified }))}/>
      <${ExternalAuths} collection=${coll} record=${record}/>` : null}` : null}
    <form class="stack record-form" onSubmit=${save} novalidate>
      ${isNew ? html`<${Field} label="id" value=${customId} placeholder="Leave empty to auto generate..."
        onInput=${(e) => setCustomId(e.target.value)} error=${errors.id}/>` : null}
      ${editableFields(coll).map((f) => html`<${FieldInput} key=${f.name} field=${f} value=${values[f.name]} record=${record}
        error=${errors[f.name]} onChange=${(v) => set(f.name, v)}/>`)}
      ${isAuth && !isNew ? html`<${Toggle} label="Change password" checked=${password.change}
        onChange=${(v) => setPassword({ ...password, change: v })}/>` : null}
      ${isAuth && password.change ? html`<div class="grid-2">
        <${Field} label="Password" type="password" autocomplete="new-password" value=${password.password} error=${errors.password}
          onInput=${(e) => setPassword({ ...password, password: e.target.value })}/>
        <${Field} label="Password confirm" type="password" autocomplete="new-password" value=${password.passwordConfirm}
          error=${errors.passwordConfirm} onInput=${(e) => setPassword({ ...password, passwordConfirm: e.target.value })}/>
      </div>` : null}
      <button type="submit" class="hidden" tabindex="-1">Save</button>
    </form>
  <//>`;
}
