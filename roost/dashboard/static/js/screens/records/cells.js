// How one value looks in a table cell, by field type.
import { html } from "../../html.js";
import { displayField, plainValue } from "./fields.js";
import { byId } from "../../collections-store.js";
import { fileURL } from "./file-token.js";

const IMAGE = /\.(jpe?g|png|gif|webp|svg|avif|bmp)$/i;

function short(text, max = 80) {
  return text.length > max ? text.slice(0, max) + "…" : text;
}

// a file as a link that opens it (a thumbnail for images); protected ones carry a file token
export function fileThumb(record, field, filename) {
  const url = fileURL(record, field, filename);
  const shown = IMAGE.test(filename)
    ? html`<img class="thumb" src=${fileURL(record, field, filename, "100x100")} alt=${filename} loading="lazy"/>`
    : html`<span class="label">${filename}</span>`;
  if (!url) return shown;
  return html`<a class="file-link" href=${url} target="_blank" rel="noopener noreferrer" title=${filename}
    onClick=${(e) => e.stopPropagation()}>${shown}</a>`;
}

export function Cell({ record, field }) {
  const value = record[field.name];
  switch (field.type) {
    case "bool": return html`<span class=${"label" + (value ? " label-on" : "")}>${value ? "True" : "False"}</span>`;
    case "file": {
      const names = Array.isArray(value) ? value : value ? [value] : [];
      return html`<span class="cell-files">${names.map((n) => fileThumb(record, field, n))}</span>`;
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
