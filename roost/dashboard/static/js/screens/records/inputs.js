// One input per field type for the record editor. Each gets the field, the current value, the
// server's error and onChange(value); the field's name is the label.
import { html, useState, useEffect, useRef, useId } from "../../html.js";
import { pb } from "../../pb.js";
import { byId } from "../../collections-store.js";
import { Field, Toggle } from "../../components/field.js";
import { dateToInput, inputToDate, displayField, isMulti } from "./fields.js";
import { fileThumb } from "./cells.js";

const asList = (v) => (Array.isArray(v) ? v : v ? [v] : []);

function RichText({ field, value, onChange, error }) {
  const id = useId();
  const box = useRef(null);
  useEffect(() => { if (box.current && box.current.innerHTML !== (value || "")) box.current.innerHTML = value || ""; }, []);
  const cmd = (name) => (e) => { e.preventDefault(); document.execCommand(name); onChange(box.current.innerHTML); };
  return html`<div class=${"field" + (error ? " has-error" : "")}>
    <label id=${id + "-label"} onClick=${() => box.current.focus()}>${field.name}</label>
    <div class="rte-tools" role="toolbar" aria-label=${field.name + " formatting"}>
      <button type="button" class="btn btn-sm btn-secondary" onMouseDown=${cmd("bold")} aria-label="Bold"><b>B</b></button>
      <button type="button" class="btn btn-sm btn-secondary" onMouseDown=${cmd("italic")} aria-label="Italic"><i>I</i></button>
      <button type="button" class="btn btn-sm btn-secondary" onMouseDown=${cmd("insertUnorderedList")} aria-label="Bullet list">• List</button>
    </div>
    <div ref=${box} class="rte" contenteditable="true" role="textbox" aria-multiline="true" aria-labelledby=${id + "-label"}
      onInput=${() => onChange(box.current.innerHTML)}></div>
    ${error ? html`<small class="field-error">${error}</small>` : null}
  </div>`;
}

function SelectInput({ field, value, onChange, error }) {
  const multi = isMulti(field);
  return html`<${Field} label=${field.name} error=${error}>${(id, desc) => html`<select id=${id} multiple=${multi} aria-describedby=${desc}
    onChange=${(e) => onChange(multi ? [...e.target.selectedOptions].map((o) => o.value) : e.target.value)}>
    ${multi ? null : html`<option value="" selected=${!value}>- Select -</option>`}
    ${(field.values || []).map((v) => html`<option value=${v} selected=${asList(value).includes(v)}>${v}</option>`)}
  </select>`}<//>`;
}

function JsonInput({ field, value, onChange, error }) {
  const [text, setText] = useState(value === undefined || value === null ? "" : JSON.stringify(value, null, 2));
  const [bad, setBad] = useState("");
  const input = (e) => {
    const t = e.target.value;
    setText(t);
    if (!t.trim()) { setBad(""); onChange(null); return; }
    try { onChange(JSON.parse(t)); setBad(""); } catch (err) { setBad("Invalid JSON: " + err.message); }
  };
  return html`<${Field} label=${field.name} error=${bad || error}>${(id, desc) => html`<textarea id=${id} class="mono" rows="4"
    spellcheck="false" aria-describedby=${desc} aria-invalid=${bad ? "true" : null} value=${text} onInput=${input}/>`}<//>`;
}

function GeoPointInput({ field, value, onChange, error }) {
  const point = value || { lon: 0, lat: 0 };
  const set = (key) => (e) => onChange({ ...point, [key]: Number(e.target.value) });
  return html`<fieldset class="field geo"><legend>${field.name}</legend>
    <div class="grid-2">
      <${Field} label="Longitude" type="number" step="any" min="-180" max="180" value=${point.lon} onInput=${set("lon")}/>
      <${Field} label="Latitude" type="number" step="any" min="-90" max="90" value=${point.lat} onInput=${set("lat")}/>
    </div>${error ? html`<small class="field-error">${error}</small>` : null}</fieldset>`;
}

// files: the kept ones (thumbnail + remove), the new ones, and the upload input
function FileInput({ field, record, value, onChange, error }) {
  const { kept, added, removed } = value;
  const multi = isMulti(field);
  const add = (e) => {
    const files = [...e.target.files];
    e.target.value = "";
    onChange(multi ? { kept, removed, added: [...added, ...files] }
      : { kept: [], removed: [...removed, ...kept], added: files.slice(0, 1) });
  };
  return html`<${Field} label=${field.name} error=${error}>${(id, desc) => html`<div class="file-box">
    <ul class="file-list">
      ${kept.map((name) => html`<li key=${name}>${record && record.id ? fileThumb(record, field, name) : null}
        <span class="mono">${name}</span>
        <button type="button" class="btn btn-sm btn-link" aria-label=${"Remove " + name}
          onClick=${() => onChange({ kept: kept.filter((k) => k !== name), removed: [...removed, name], added })}>Remove</button></li>`)}
      ${added.map((file, i) => html`<li key=${"new" + i}><span class="label">New</span> <span class="mono">${file.name}</span>
        <button type="button" class="btn btn-sm btn-link" aria-label=${"Remove " + file.name}
          onClick=${() => onChange({ kept, removed, added: added.filter((_, j) => j !== i) })}>Remove</button></li>`)}
    </ul>
    <input id=${id} type="file" multiple=${multi} aria-describedby=${desc} onChange=${add}/>
  </div>`}<//>`;
}

// relation: the chosen records as chips, and a search over the target collection
function RelationInput({ field, value, onChange, error, expanded }) {
  const target = byId.value.get(field.collectionId);
  const shown = displayField(target);
  const multi = isMulti(field);
  const ids = asList(value);
  const [names, setNames] = useState(() => {
    const map = {};
    for (const r of asList(expanded)) if (r) map[r.id] = r[shown];
    return map;
  });
  const [q, setQ] = useState("");
  const [found, setFound] = useState([]);
  useEffect(() => {
    if (!target) return undefined;
    let live = true;
    const term = q.trim().replace(/["\\]/g, "");
    const filter = term ? `id ~ "${term}"` + (shown !== "id" ? ` || ${shown} ~ "${term}"` : "") : "";
    const t = setTimeout(() => pb.collection(target.name).getList(1, 10, { filter, skipTotal: 1 })
      .then((res) => live && setFound(res.items)).catch(() => {}), 150);
    return () => { live = false; clearTimeout(t); };
  }, [q, field.collectionId]);
  const pick = (r) => {
    setNames({ ...names, [r.id]: r[shown] });
    onChange(multi ? (ids.includes(r.id) ? ids : [...ids, r.id]) : r.id);
  };
  const drop = (id) => onChange(multi ? ids.filter((i) => i !== id) : "");
  return html`<fieldset class=${"field relation" + (error ? " has-error" : "")}><legend>${field.name}</legend>
    <ul class="chips" aria-label=${"Selected " + field.name}>${ids.map((id) => html`<li key=${id} class="label">${names[id] || id}
      <button type="button" class="btn-icon" aria-label=${"Unselect " + (names[id] || id)} onClick=${() => drop(id)}>×</button></li>`)}</ul>
    <input type="search" aria-label=${"Search " + field.name} placeholder=${"Search " + (target ? target.name : "") + "..."}
      value=${q} onInput=${(e) => setQ(e.target.value)}/>
    <ul class="relation-options" aria-label=${field.name + " options"}>${found.map((r) => html`<li key=${r.id}>
      <button type="button" class="btn btn-sm btn-link" aria-pressed=${ids.includes(r.id) ? "true" : "false"} onClick=${() => pick(r)}>
        ${r[shown] || r.id}</button></li>`)}</ul>
    ${error ? html`<small class="field-error">${error}</small>` : null}
  </fieldset>`;
}

export function FieldInput({ field, value, onChange, error, record }) {
  const label = field.name;
  const text = (type, extra = {}) => html`<${Field} label=${label} type=${type} error=${error} value=${value ?? ""}
    required=${field.required} onInput=${(e) => onChange(e.target.value)} ...${extra}/>`;
  switch (field.type) {
    case "number": return html`<${Field} label=${label} type="number" step="any" error=${error} value=${value ?? ""}
      onInput=${(e) => onChange(e.target.value === "" ? null : Number(e.target.value))}/>`;
    case "bool": return html`<${Toggle} label=${label} checked=${!!value} onChange=${onChange}/>`;
    case "email": return text("email");
    case "url": return text("url");
    case "editor": return html`<${RichText} field=${field} value=${value} onChange=${onChange} error=${error}/>`;
    case "date": return html`<${Field} label=${label} type="datetime-local" step="1" hint="UTC" error=${error}
      value=${dateToInput(value)} onInput=${(e) => onChange(inputToDate(e.target.value))}/>`;
    case "autodate": return html`<${Field} label=${label} value=${value || ""} readonly hint="Set automatically"/>`;
    case "select": return html`<${SelectInput} field=${field} value=${value} onChange=${onChange} error=${error}/>`;
    case "json": return html`<${JsonInput} field=${field} value=${value} onChange=${onChange} error=${error}/>`;
    case "geoPoint": return html`<${GeoPointInput} field=${field} value=${value} onChange=${onChange} error=${error}/>`;
    case "file": return html`<${FileInput} field=${field} record=${record} value=${value} onChange=${onChange} error=${error}/>`;
    case "relation": return html`<${RelationInput} field=${field} value=${value} onChange=${onChange} error=${error}
      expanded=${record && record.expand ? record.expand[field.name] : null}/>`;
    default: return text("text");
  }
}
