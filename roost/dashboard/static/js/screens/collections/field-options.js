// The options panel of one field: the toggles every field has (Nonempty, Hidden, Presentable)
// and the options of its type. `field` is edited through `set(patch)`.
import { html } from "../../html.js";
import { collections } from "../../collections-store.js";
import { Field, Toggle } from "../../components/field.js";

const num = (v) => (v === "" || v == null ? null : Number(v));
const list = (v) => v.split(",").map((s) => s.trim()).filter(Boolean);
const joined = (v) => (Array.isArray(v) ? v.join(", ") : "");

function Domains({ field, set }) {
  return html`<div class="grid-2">
    <${Field} label="Except domains" value=${joined(field.exceptDomains)} hint="Comma separated."
      onInput=${(e) => set({ exceptDomains: list(e.target.value) })} disabled=${!!(field.onlyDomains && field.onlyDomains.length)}/>
    <${Field} label="Only domains" value=${joined(field.onlyDomains)} hint="Comma separated."
      onInput=${(e) => set({ onlyDomains: list(e.target.value) })} disabled=${!!(field.exceptDomains && field.exceptDomains.length)}/>
  </div>`;
}

function MinMax({ field, set, minLabel = "Min length", maxLabel = "Max length", type = "number", step }) {
  return html`<div class="grid-2">
    <${Field} label=${minLabel} type=${type} step=${step} value=${field.min ?? ""}
      onInput=${(e) => set({ min: type === "number" ? num(e.target.value) : e.target.value })}/>
    <${Field} label=${maxLabel} type=${type} step=${step} value=${field.max ?? ""}
      onInput=${(e) => set({ max: type === "number" ? num(e.target.value) : e.target.value })}/>
  </div>`;
}

const TYPE_OPTIONS = {
  text: ({ field, set }) => html`
    <${MinMax} field=${field} set=${set}/>
    <${Field} label="Validation pattern" value=${field.pattern || ""} placeholder="ex. ^[a-z0-9]+$" onInput=${(e) => set({ pattern: e.target.value })}/>
    <${Field} label="Autogenerate pattern" value=${field.autogeneratePattern || ""} placeholder="ex. [a-z0-9]{30}"
      onInput=${(e) => set({ autogeneratePattern: e.target.value })}/>`,
  password: ({ field, set }) => html`
    <${MinMax} field=${field} set=${set}/>
    <${Field} label="Validation pattern" value=${field.pattern || ""} onInput=${(e) => set({ pattern: e.target.value })}/>
    <${Field} label="Bcrypt cost" type="number" value=${field.cost || ""} placeholder="Default to 10" onInput=${(e) => set({ cost: num(e.target.value) || 0 })}/>`,
  number: ({ field, set }) => html`
    <${MinMax} field=${field} set=${set} minLabel="Min" maxLabel="Max" step="any"/>
    <${Toggle} label="No decimals" checked=${field.onlyInt} onChange=${(v) => set({ onlyInt: v })}/>`,
  editor: ({ field, set }) => html`
    <${Field} label="Max size (bytes)" type="number" value=${field.maxSize || ""} placeholder="Default to max ~5MB" onInput=${(e) => set({ maxSize: num(e.target.value) || 0 })}/>
    <${Toggle} label="Strip urls domain" checked=${field.convertURLs} onChange=${(v) => set({ convertURLs: v })}/>`,
  email: Domains,
  url: Domains,
  date: ({ field, set }) => html`<${MinMax} field=${field} set=${set} minLabel="Min date (UTC)" maxLabel="Max date (UTC)" type="text"/>`,
  autodate: ({ field, set }) => html`<div class="row">
    <${Toggle} label="Create" checked=${field.onCreate} onChange=${(v) => set({ onCreate: v })}/>
    <${Toggle} label="Update" checked=${field.onUpdate} onChange=${(v) => set({ onUpdate: v })}/></div>`,
  select: ({ field, set }) => html`
    <${Field} label="Choices" value=${joined(field.values)} hint="Comma separated." required
      onInput=${(e) => set({ values: list(e.target.value) })}/>
    <${Toggle} label="Multiple" checked=${(field.maxSelect || 1) > 1}
      onChange=${(v) => set({ maxSelect: v ? Math.max(2, (field.values || []).length) : 1 })}/>
    ${(field.maxSelect || 1) > 1 ? html`<${Field} label="Max select" type="number" min="2" value=${field.maxSelect}
      onInput=${(e) => set({ maxSelect: num(e.target.value) || 2 })}/>` : null}`,
  file: ({ field, set }) => html`
    <${Toggle} label="Multiple" checked=${(field.maxSelect || 1) > 1} onChange=${(v) => set({ maxSelect: v ? 99 : 1 })}/>
    <div class="grid-2">
      ${(field.maxSelect || 1) > 1 ? html`<${Field} label="Max select" type="number" min="2" value=${field.maxSelect}
        onInput=${(e) => set({ maxSelect: num(e.target.value) || 2 })}/>` : null}
      <${Field} label="Max file size (bytes)" type="number" value=${field.maxSize || ""} placeholder="Default to max ~5MB"
        onInput=${(e) => set({ maxSize: num(e.target.value) || 0 })}/>
    </div>
    <${Field} label="Allowed mime types" value=${joined(field.mimeTypes)} hint="Comma separated, e.g. image/png, image/jpeg. Empty allows all."
      onInput=${(e) => set({ mimeTypes: list(e.target.value) })}/>
    <${Field} label="Thumb sizes" value=${joined(field.thumbs)} hint="Comma separated, e.g. 100x100, 0x300."
      onInput=${(e) => set({ thumbs: list(e.target.value) })}/>
    <${Toggle} label="Protected" checked=${field.protected} onChange=${(v) => set({ protected: v })}
      hint="Requires a file token to be viewed."/>`,
  relation: ({ field, set }) => html`
    <${Field} label="Collection" required>${(id) => html`<select id=${id} value=${field.collectionId}
      onChange=${(e) => set({ collectionId: e.target.value })}>
      <option value="">Select collection *</option>
      ${collections.value.filter((c) => c.type !== "view").map((c) => html`<option value=${c.id}>${c.name}</option>`)}
    </select>`}<//>
    <${Toggle} label="Multiple" checked=${(field.maxSelect || 1) > 1} onChange=${(v) => set({ maxSelect: v ? 999 : 1 })}/>
    <div class="grid-2">
      <${Field} label="Min select" type="number" min="0" value=${field.minSelect || ""} onInput=${(e) => set({ minSelect: num(e.target.value) || 0 })}/>
      ${(field.maxSelect || 1) > 1 ? html`<${Field} label="Max select" type="number" min="1" value=${field.maxSelect}
        onInput=${(e) => set({ maxSelect: num(e.target.value) || 1 })}/>` : null}
    </div>
    <${Toggle} label="Cascade delete" checked=${field.cascadeDelete} onChange=${(v) => set({ cascadeDelete: v })}
      hint="Deleting the related record deletes this record too."/>`,
  json: ({ field, set }) => html`<${Field} label="Max size (bytes)" type="number" value=${field.maxSize || ""}
    placeholder="Default to max ~1MB" onInput=${(e) => set({ maxSize: num(e.target.value) || 0 })}/>`,
};

export function FieldOptions({ field, set }) {
  const Options = TYPE_OPTIONS[field.type];
  return html`<div class="field-options">
    ${Options ? html`<${Options} field=${field} set=${set}/>` : null}
    <div class="row">
      ${field.type !== "autodate" ? html`<${Toggle} label="Nonempty" checked=${field.required} onChange=${(v) => set({ required: v })}/>` : null}
      <${Toggle} label="Hidden" checked=${field.hidden} onChange=${(v) => set({ hidden: v })}/>
      <${Toggle} label="Presentable" checked=${field.presentable} onChange=${(v) => set({ presentable: v })}/>
    </div>
  </div>`;
}
