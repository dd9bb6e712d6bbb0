// How one value looks in a table cell, by field type.
import { html } from "../../html.js";
import { pb } from "../../pb.js";
import { displayField, plainValue } from "./fields.js";
import { byId } from "../../collections-store.js";

const IMAGE = /\.(jpe?g|png|gif|webp|svg|avif|bmp)$/i;

function short(text, max = 80) {
  return text.length > max ? text.slice(0, max) + "…" : text;
}

export function fileThumb(record, name, filename) {
  if (IMAGE.test(filename)) {
    return html`<img class="thumb" src=${pb.files.getURL(record, filename, { thumb: "100x100" })} alt=${filename} loading="lazy"/>`;
  }
  return html`<span class="label">${filename}</span>`;
}

export function Cell({ record, field }) {
  const value = record[field.name];
  switch (field.type) {
    case "bool": return html`<span class=${"label" + (value ? " label-on" : "")}>${value ? "True" : "False"}</span>`;
    case "file": {
      const names = Array.isArray(value) ? value : value ? [value] : [];
      return html`<span class="cell-files">${names.map((n) => fileThumb(record, field.name, n))}</span>`;
    }
    case "relation": {
      const ids = Array.isArray(value) ? value : value ? [value] : [];
      const expanded = (record.expand && record.expand[field.name]) || [];
      const list = Array.isArray(expanded) ? expanded : [expanded];
      const shown = displayField(byId.value.get(field.collectionId));
      return html`${ids.map((id) => {
        const rel = list.find((r) => r && r.id === id);
        return html`<span class="label" key=${id}>${rel ? plainValue(null, rel[shown]) || id : id}</span> `;
      })}`;
    }
    case "editor": {
      const div = document.createElement("div");
      div.innerHTML = value || "";
      return short(div.textContent || "");
    }
    case "select": return html`${(Array.isArray(value) ? value : value ? [value] : []).map((v) => html`<span class="label">${v}</span> `)}`;
    default: {
      const text = plainValue(field, value);
      return text === "" ? html`<span class="muted">N/A</span>` : short(text);
    }
  }
}
