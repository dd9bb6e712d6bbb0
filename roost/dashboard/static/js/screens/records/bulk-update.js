// Set one field to one value on every selected record.
import { html, useState } from "../../html.js";
import { Dialog } from "../../components/dialog.js";
import { Button } from "../../components/button.js";
import { Field } from "../../components/field.js";
import { toast } from "../../toasts.js";
import { editableFields, parseValue } from "./fields.js";
import { runWrites } from "./writes.js";

export function BulkUpdateDialog({ collection: coll, ids, onClose, onDone }) {
  const fields = editableFields(coll).filter((f) => f.type !== "file" && f.type !== "autodate");
  const [name, setName] = useState(fields[0] ? fields[0].name : "");
  const [value, setValue] = useState("");
  const [busy, setBusy] = useState(false);
  const field = fields.find((f) => f.name === name);
  const save = async (e) => {
    e && e.preventDefault();
    setBusy(true);
    const body = { [name]: parseValue(field, value) };
    const results = await runWrites(coll.name, ids.map((id) => ({ action: "update", id, body })));
    setBusy(false);
    const failed = results.filter((r) => !r.ok);
    if (failed.length) {
      const first = failed[0];
      toast(`Failed to update ${failed.length} of ${ids.length} records: ${first.fields[name] || first.message}`, "error");
    } else toast(`Successfully updated ${ids.length === 1 ? "record" : ids.length + " records"}.`);
    onDone();
  };
  const hint = field && field.type === "bool" ? "true or false" : field && field.type === "json" ? "JSON"
    : field && (field.maxSelect || 1) > 1 ? "comma separated or a JSON array" : field && field.type === "date" ? "2024-01-31 12:00:00.000Z" : "";
  return html`<${Dialog} open=${true} title=${`Bulk update ${ids.length} ${ids.length === 1 ? "record" : "records"}`} onClose=${onClose}
    footer=${html`<${Button} onClick=${onClose}>Cancel<//><${Button} kind="primary" busy=${busy} onClick=${save}>Update selected<//>`}>
    <form class="stack" onSubmit=${save}>
      <${Field} label="Field">${(id) => html`<select id=${id} value=${name} onChange=${(e) => setName(e.target.value)}>
        ${fields.map((f) => html`<option value=${f.name}>${f.name}</option>`)}</select>`}<//>
      <${Field} label="New value" hint=${hint} value=${value} onInput=${(e) => setValue(e.target.value)}/>
    </form>
  <//>`;
}
