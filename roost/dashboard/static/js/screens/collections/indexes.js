// The indexes of a collection, as the CREATE INDEX statements the API stores. "New index" builds
// one from chosen columns (and Unique); any statement can also be edited as text.
import { html, useState } from "../../html.js";
import { Field, Toggle } from "../../components/field.js";
import { Dialog } from "../../components/dialog.js";
import { Button } from "../../components/button.js";

const rand = () => Math.random().toString(36).slice(2, 9);

export function indexSql(table, columns, unique) {
  const cols = columns.map((c) => "`" + c + "`").join(", ");
  return `CREATE ${unique ? "UNIQUE " : ""}INDEX \`idx_${table || "new"}_${rand()}\` ON \`${table}\` (${cols})`;
}

function IndexDialog({ initial, table, fields, onSave, onClose }) {
  const [sql, setSql] = useState(initial || "");
  const [cols, setCols] = useState([]);
  const [unique, setUnique] = useState(false);
  const pick = (name, on) => {
    const next = on ? [...cols, name] : cols.filter((c) => c !== name);
    setCols(next);
    if (!initial) setSql(next.length ? indexSql(table, next, unique) : "");
  };
  return html`<${Dialog} open title=${initial ? "Update index" : "Create index"} onClose=${onClose}
    footer=${html`<${Button} onClick=${onClose}>Cancel<//><${Button} kind="primary" disabled=${!sql.trim()} onClick=${() => onSave(sql.trim())}>Set index<//>`}>
    ${initial ? null : html`
      <${Toggle} label="Unique" checked=${unique} onChange=${(v) => { setUnique(v); if (cols.length) setSql(indexSql(table, cols, v)); }}/>
      <fieldset class="row"><legend class="hint">Columns</legend>
        ${fields.filter((f) => f.name && !f._deleted).map((f) => html`<${Toggle} label=${f.name} checked=${cols.includes(f.name)} onChange=${(v) => pick(f.name, v)}/>`)}
      </fieldset>`}
    <${Field} label="Index statement" value=${sql}>${(id) => html`<textarea id=${id} class="mono" rows="3" value=${sql} onInput=${(e) => setSql(e.target.value)}/>`}<//>
  <//>`;
}

export function IndexesEditor({ indexes, setIndexes, table, fields }) {
  const [editing, setEditing] = useState(null); // null | {at: index or -1}
  const save = (sql) => {
    const next = indexes.slice();
    if (editing.at < 0) next.push(sql); else next[editing.at] = sql;
    setIndexes(next);
    setEditing(null);
  };
  return html`<section class="stack" aria-label="Indexes">
    <h3>Indexes (${indexes.length})</h3>
    ${indexes.map((sql, i) => html`<div class="index-row" key=${sql}>
      <code>${sql}</code>
      <button type="button" class="btn btn-sm btn-secondary" onClick=${() => setEditing({ at: i })}>Edit</button>
      <button type="button" class="btn btn-sm btn-secondary" aria-label=${"Remove index " + (i + 1)}
        onClick=${() => setIndexes(indexes.filter((_, j) => j !== i))}>Remove</button>
    </div>`)}
    <div><button type="button" class="btn btn-sm btn-secondary" onClick=${() => setEditing({ at: -1 })}>New index</button></div>
    ${editing ? html`<${IndexDialog} initial=${editing.at >= 0 ? indexes[editing.at] : ""} table=${table} fields=${fields}
      onSave=${save} onClose=${() => setEditing(null)}/>` : null}
  </section>`;
}
