// "New collection" / "Edit collection": name and type, then the Fields (or Query for a view),
// API Rules and, for auth collections, Options tabs. Saving an existing collection first lists
// the destructive changes (removed or renamed fields, a renamed collection) for confirmation.
// Duplicate, Truncate and Delete are in the footer of an existing collection.
import { html, useState } from "../../html.js";
import { pb, errorMessage, fieldErrors } from "../../pb.js";
import { toast } from "../../toasts.js";
import { Dialog } from "../../components/dialog.js";
import { Button } from "../../components/button.js";
import { Field } from "../../components/field.js";
import { Tabs, TabPanel } from "../../components/tabs.js";
import { confirm } from "../../components/confirm.js";
import { FieldsEditor } from "./fields.js";
import { RulesEditor } from "./rules.js";
import { IndexesEditor } from "./indexes.js";
import { AuthOptions } from "./auth-options.js";

const TYPES = [{ id: "base", label: "Base" }, { id: "auth", label: "Auth" }, { id: "view", label: "View" }];

function blank() {
  return {
    name: "", type: "base", system: false,
    listRule: null, viewRule: null, createRule: null, updateRule: null, deleteRule: null,
    fields: [
      { _key: "created", name: "created", type: "autodate", onCreate: true, onUpdate: false, hidden: false, presentable: false, system: false },
      { _key: "updated", name: "updated", type: "autodate", onCreate: true, onUpdate: true, hidden: false, presentable: false, system: false },
    ],
    indexes: [], viewQuery: "",
  };
}

// a copy to create as a new collection: no ids, "_duplicate" name, indexes renamed for it
export function duplicateOf(coll) {
  const copy = JSON.parse(JSON.stringify(coll));
  const name = coll.name + "_duplicate";
  delete copy.id; delete copy.created; delete copy.updated;
  copy.name = name;
  copy.system = false;
  copy.fields = copy.fields.map((f) => { const { id, ...rest } = f; return { ...rest, _key: "dup-" + f.name }; });
  copy.indexes = (copy.indexes || []).map((sql) => sql
    .replace(/INDEX\s+(IF NOT EXISTS\s+)?[`"]?(\w+)[`"]?/i, (_m, ine, idx) => `INDEX ${ine || ""}\`${idx}_${Math.random().toString(36).slice(2, 6)}\``)
    .replace(new RegExp("ON\\s+[`\"]?" + coll.name + "[`\"]?", "i"), "ON `" + name + "`"));
  return copy;
}

// what saving `draft` over `original` would destroy, in words
export function destructiveChanges(original, draft) {
  const out = [];
  if (original.name !== draft.name) out.push(`Renamed collection "${original.name}" to "${draft.name}"`);
  for (const f of draft.fields) {
    const before = f.id && original.fields.find((o) => o.id === f.id);
    if (!before) continue;
    if (f._deleted) out.push(`Deleted field "${before.name}"`);
    else if (before.name !== f.name) out.push(`Renamed field "${before.name}" to "${f.name}"`);
  }
  return out;
}

function payload(draft) {
  const { fields, ...rest } = draft;
  const body = { ...rest, fields: fields.filter((f) => !f._deleted).map(({ _key, _deleted, ...f }) => f) };
  if (draft.type === "view") delete body.fields;
  else delete body.viewQuery;
  return body;
}

export function CollectionEditor({ collection, onClose, onSaved, onDuplicate }) {
  const isNew = !collection || !collection.id;
  const [draft, setDraft] = useState(() => (collection ? JSON.parse(JSON.stringify(collection)) : blank()));
  const [tab, setTab] = useState("fields");
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState({});
  const set = (patch) => setDraft((d) => ({ ...d, ...patch }));

  async function save() {
    if (!isNew) {
      const changes = destructiveChanges(collection, draft);
      if (changes.length && !(await confirm({
        title: "Confirm collection changes",
        message: "If any of the collection changes is part of another collection rule, filter or view query, you'll have to update it manually!",
        items: changes, confirmLabel: "Confirm",
      }))) return;
    }
    setBusy(true);
    setErrors({});
    try {
      const saved = isNew ? await pb.collections.create(payload(draft)) : await pb.collections.update(collection.id, payload(draft));
      toast(isNew ? `Successfully created collection "${saved.name}".` : `Successfully updated collection "${saved.name}".`);
      onSaved(saved);
    } catch (err) {
      const data = (err && err.response && err.response.data) || {};
      setErrors({ ...fieldErrors(err), raw: data });
      const detail = Object.entries(data).map(([k, v]) => (v && v.message ? `${k}: ${v.message}` : fieldsDetail(k, v))).filter(Boolean);
      toast([errorMessage(err, "Failed to save the collection."), ...detail].join(" "), "error");
    } finally {
      setBusy(false);
    }
  }

  async function remove() {
    if (!(await confirm({ title: "Delete collection", message: `Do you really want to delete collection "${collection.name}" and all its records?`, confirmLabel: "Delete" }))) return;
    try {
      await pb.collections.delete(collection.id);
      toast(`Successfully deleted collection "${collection.name}".`);
      onSaved(null);
    } catch (err) { toast(errorMessage(err), "error"); }
  }

  async function truncate() {
    if (!(await confirm({ title: "Truncate collection", message: `Do you really want to delete all "${collection.name}" records, including their cascade delete references and files?`, confirmLabel: "Truncate" }))) return;
    try {
      await pb.collections.truncate(collection.id);
      toast(`Successfully truncated collection "${collection.name}".`);
    } catch (err) { toast(errorMessage(err), "error"); }
  }

  const tabs = [
    draft.type === "view" ? { id: "fields", label: "Query" } : { id: "fields", label: "Fields" },
    { id: "rules", label: "API Rules" },
    ...(draft.type === "auth" ? [{ id: "options", label: "Options" }] : []),
  ];
  const footer = html`
    ${isNew ? null : html`<div class="row grow">
      <${Button} onClick=${() => onDuplicate(duplicateOf(collection))}>Duplicate<//>
      ${collection.type !== "view" ? html`<${Button} onClick=${truncate}>Truncate<//>` : null}
      ${collection.system ? null : html`<${Button} kind="danger" onClick=${remove}>Delete<//>`}
    </div>`}
    <${Button} onClick=${onClose}>Cancel<//>
    <${Button} kind="primary" busy=${busy} onClick=${save}>${isNew ? "Create" : "Save changes"}<//>`;

  // Ctrl+S / Cmd+S saves, as in PocketBase's panels
  const keys = (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "s") { e.preventDefault(); if (!busy) save(); }
  };
  return html`<${Dialog} open wide title=${isNew ? "New collection" : "Edit collection"} onClose=${onClose} footer=${footer} onKeyDown=${keys}>
    <div class="row">
      <${Field} class="grow" label="Name" value=${draft.name} required autofocus placeholder='eg. "posts"' spellcheck="false"
        disabled=${!!draft.system} error=${errors.name} onInput=${(e) => set({ name: e.target.value.replace(/\s+/g, "_") })}/>
      ${isNew ? html`<${Field} label="Type">${(id) => html`<select id=${id} value=${draft.type}
        onChange=${(e) => { set({ type: e.target.value }); setTab("fields"); }}>
        ${TYPES.map((t) => html`<option value=${t.id}>${t.label}</option>`)}</select>`}<//>` : html`<span class="label">${draft.type}</span>`}
    </div>
    <${Tabs} tabs=${tabs} active=${tab} onChange=${setTab} idPrefix="coll-tab"/>
    <${TabPanel} id="fields" active=${tab} idPrefix="coll-tab">
      ${draft.type === "view"
        ? html`<${Field} label="Select query" error=${errors.viewQuery}>${(id) => html`<textarea id=${id} class="mono" rows="8"
            value=${draft.viewQuery || ""} placeholder="SELECT id, name FROM posts" onInput=${(e) => set({ viewQuery: e.target.value })}/>`}<//>`
        : html`<${FieldsEditor} fields=${draft.fields} setFields=${(fields) => set({ fields })}/>
          <${IndexesEditor} indexes=${draft.indexes || []} setIndexes=${(indexes) => set({ indexes })} table=${draft.name} fields=${draft.fields}/>`}
    <//>
    <${TabPanel} id="rules" active=${tab} idPrefix="coll-tab"><${RulesEditor} draft=${draft} set=${set}/><//>
    <${TabPanel} id="options" active=${tab} idPrefix="coll-tab"><${AuthOptions} draft=${draft} set=${set} errors=${errors}/><//>
  <//>`;
}

// "fields.2.name: ..." for the per-field errors a 400 carries
function fieldsDetail(key, value) {
  if (!value || typeof value !== "object") return "";
  return Object.entries(value).map(([k, v]) => fieldsDetail(key + "." + k, v) || (v && v.message ? `${key}.${k}: ${v.message}` : "")).filter(Boolean).join(" ");
}
