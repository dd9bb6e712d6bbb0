// The fields list of the collection editor: rename, options, remove/restore, reorder (drag, or
// the Move up / Move down buttons from the keyboard) and "New field" with a type picker.
// Removed fields stay listed (struck through) until saved, so the save can list them.
import { html, useState } from "../../html.js";
import { Icon } from "../../components/icon.js";
import { FIELD_TYPES, typeLabel, newField } from "./field-types.js";
import { FieldOptions } from "./field-options.js";

export const keyOf = (f) => f.id || f._key;

function FieldCard({ field, index, count, set, move, remove, dragging, dnd }) {
  const [open, setOpen] = useState(!field.id);
  const locked = !!field.system;
  return html`<li class=${"field-card" + (field._deleted ? " deleted" : "") + (dragging ? " dragging" : "")}
      draggable=${!field._deleted} onDragStart=${dnd.start} onDragOver=${dnd.over} onDrop=${dnd.drop} onDragEnd=${dnd.end}>
    <div class="field-card-head">
      <span class="drag-handle" aria-hidden="true"><${Icon} name="drag" size=${16}/></span>
      <span class="type-label">${typeLabel(field.type)}</span>
      <div class="field">
        <input aria-label="Field name" value=${field.name} disabled=${locked || field._deleted} spellcheck="false"
          onInput=${(e) => set({ name: e.target.value.replace(/\s+/g, "_") })}/>
      </div>
      ${field.system ? html`<span class="label">System</span>` : null}
      <button type="button" class="btn-icon" aria-label=${"Move " + field.name + " up"} disabled=${index === 0} onClick=${() => move(-1)}>↑</button>
      <button type="button" class="btn-icon" aria-label=${"Move " + field.name + " down"} disabled=${index === count - 1} onClick=${() => move(1)}>↓</button>
      ${field._deleted
        ? html`<button type="button" class="btn btn-sm btn-secondary" onClick=${() => set({ _deleted: false })}>Restore</button>`
        : html`<button type="button" class="btn-icon" aria-expanded=${open ? "true" : "false"} aria-label=${"Options of " + field.name}
            onClick=${() => setOpen(!open)}><${Icon} name="gear" size=${16}/></button>
          ${locked ? null : html`<button type="button" class="btn-icon" aria-label=${"Remove " + field.name} onClick=${remove}>×</button>`}`}
    </div>
    ${open && !field._deleted ? html`<${FieldOptions} field=${field} set=${set}/>` : null}
  </li>`;
}

function TypePicker({ onPick, onCancel }) {
  return html`<div class="panel stack" role="group" aria-label="Field type">
    <div class="type-picker">
      ${FIELD_TYPES.map((t) => html`<button type="button" class="btn btn-secondary" onClick=${() => onPick(t.type)}>${t.label}</button>`)}
    </div>
    <button type="button" class="btn btn-link" onClick=${onCancel}>Cancel</button>
  </div>`;
}

export function FieldsEditor({ fields, setFields }) {
  const [picking, setPicking] = useState(false);
  const [dragFrom, setDragFrom] = useState(-1);

  const update = (i, patch) => setFields(fields.map((f, j) => (j === i ? { ...f, ...patch } : f)));
  const move = (i, step) => {
    const j = i + step;
    if (j < 0 || j >= fields.length) return;
    const next = fields.slice();
    [next[i], next[j]] = [next[j], next[i]];
    setFields(next);
  };
  const remove = (i) => {
    // a field not saved yet simply goes; a saved one is marked, so the save can list it
    if (!fields[i].id) setFields(fields.filter((_, j) => j !== i));
    else update(i, { _deleted: true });
  };
  const add = (type) => {
    // before the trailing created/updated autodate fields, where a new collection keeps them
    // (autodate fields added here are the user's own and stay where they were put)
    const added = (f) => String(f._key || "").startsWith("new-");
    let at = fields.length;
    while (at > 0 && fields[at - 1].type === "autodate" && !added(fields[at - 1])) at--;
    const next = fields.slice();
    next.splice(at, 0, newField(type, fields));
    setFields(next);
    setPicking(false);
    setTimeout(() => {
      const inputs = document.querySelectorAll(".field-card input[aria-label='Field name']");
      if (inputs[at]) inputs[at].select();
    });
  };
  const dnd = (i) => ({
    start: (e) => { setDragFrom(i); e.dataTransfer.effectAllowed = "move"; e.dataTransfer.setData("text/plain", String(i)); },
    over: (e) => { if (dragFrom >= 0) e.preventDefault(); },
    drop: (e) => {
      e.preventDefault();
      if (dragFrom < 0 || dragFrom === i) return;
      const next = fields.slice();
      const [moved] = next.splice(dragFrom, 1);
      next.splice(i, 0, moved);
      setFields(next);
      setDragFrom(-1);
    },
    end: () => setDragFrom(-1),
  });

  return html`<div class="stack">
    <ol class="fields-list" aria-label="Fields">
      ${fields.map((f, i) => html`<${FieldCard} key=${keyOf(f)} field=${f} index=${i} count=${fields.length}
        set=${(patch) => update(i, patch)} move=${(step) => move(i, step)} remove=${() => remove(i)}
        dragging=${dragFrom === i} dnd=${dnd(i)}/>`)}
    </ol>
    ${picking ? html`<${TypePicker} onPick=${add} onCancel=${() => setPicking(false)}/>`
      : html`<button type="button" class="btn btn-secondary" onClick=${() => setPicking(true)}><${Icon} name="plus" size=${14}/> New field</button>`}
  </div>`;
}
