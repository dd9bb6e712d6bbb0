// The records table of a collection: a page at a time with skipTotal (the total is counted by a
// second request, so a big table shows its first rows without waiting for COUNT(*)), sort by any
// column (a relation by its display field), column toggles remembered per collection, the filter
// bar, selection with bulk delete / bulk update / export, import, and the record editor.
import { html, useState, useEffect, useRef } from "../../html.js";
import { pb, errorMessage } from "../../pb.js";
import { toast } from "../../toasts.js";
import { confirm } from "../../components/confirm.js";
import { byId } from "../../collections-store.js";
import { columnFields, displayField } from "./fields.js";
import { Cell } from "./cells.js";
import { FilterBar } from "./filter-bar.js";
import { runWrites } from "./writes.js";
import { exportRecords } from "./export.js";
import { ImportDialog } from "./import.js";
import { BulkUpdateDialog } from "./bulk-update.js";
import { RecordEditor } from "./editor.js";

const PER_PAGE = 40;
const hiddenKey = (coll) => "roost_records_hidden_" + coll.id;

function readHidden(coll) {
  try { return JSON.parse(window.localStorage.getItem(hiddenKey(coll)) || "[]"); } catch (e) { return []; }
}

function defaultSort(coll) {
  return coll.fields.some((f) => f.name === "created") ? "-created" : "";
}

// the sort expression for a column: a relation sorts by its target's display field
function sortKey(field) {
  if (field.type === "relation" && (field.maxSelect || 1) <= 1) {
    const shown = displayField(byId.value.get(field.collectionId));
    return shown === "id" ? field.name : field.name + "." + shown;
  }
  return field.name;
}

function ColumnsMenu({ fields, hidden, onToggle }) {
  return html`<details class="menu">
    <summary class="btn btn-sm btn-secondary">Columns</summary>
    <div class="menu-body" role="group" aria-label="Toggle columns">
      ${fields.map((f) => html`<label class="menu-item" key=${f.name}>
        <input type="checkbox" checked=${!hidden.includes(f.name)} onChange=${() => onToggle(f.name)}/> ${f.name}</label>`)}
    </div>
  </details>`;
}

export function RecordsTable({ collection: coll, onEdit, actions = null }) {
  const [filter, setFilter] = useState("");
  const [sort, setSort] = useState(defaultSort(coll));
  const [page, setPage] = useState(1);
  const [items, setItems] = useState(null);
  const [total, setTotal] = useState(null);
  const [loadError, setLoadError] = useState("");
  const [hidden, setHidden] = useState(readHidden(coll));
  const [selected, setSelected] = useState(new Map());
  const [editing, setEditing] = useState(null); // {record, key}
  const [dialog, setDialog] = useState(""); // "import" | "bulk"
  const [version, setVersion] = useState(0);
  const seq = useRef(0);

  const fields = columnFields(coll);
  const shown = fields.filter((f) => !hidden.includes(f.name));
  const relations = coll.fields.filter((f) => f.type === "relation").map((f) => f.name);
  const service = pb.collection(coll.name);

  useEffect(() => {
    const mine = ++seq.current;
    setLoadError("");
    const opts = { sort, filter, skipTotal: 1 };
    if (relations.length) opts.expand = relations.join(",");
    service.getList(page, PER_PAGE, opts).then((res) => {
      if (mine === seq.current) setItems(res.items);
    }).catch((err) => { if (mine === seq.current) { setItems([]); setLoadError(errorMessage(err, "Failed to load the records.")); } });
    return undefined;
  }, [coll.id, filter, sort, page, version]);

  // the total separately, so it never holds up the rows
  useEffect(() => {
    setTotal(null);
    let live = true;
    service.getList(1, 1, { filter, fields: "id" }).then((res) => { if (live) setTotal(res.totalItems); }).catch(() => {});
    return () => { live = false; };
  }, [coll.id, filter, version]);

  const reload = () => setVersion(version + 1);
  const toggleColumn = (name) => {
    const next = hidden.includes(name) ? hidden.filter((n) => n !== name) : [...hidden, name];
    setHidden(next);
    window.localStorage.setItem(hiddenKey(coll), JSON.stringify(next));
  };
  const sortBy = (field) => {
    const key = sortKey(field);
    setSort(sort === key ? "-" + key : key);
    setPage(1);
  };
  const toggle = (record) => {
    const next = new Map(selected);
    if (next.has(record.id)) next.delete(record.id); else next.set(record.id, record);
    setSelected(next);
  };
  const rows = items || [];
  const allOnPage = rows.length > 0 && rows.every((r) => selected.has(r.id));
  const toggleAll = () => {
    const next = new Map(selected);
    for (const r of rows) { if (allOnPage) next.delete(r.id); else next.set(r.id, r); }
    setSelected(next);
  };
  const open = (record) => setEditing({ record, key: Math.random() });

  const bulkDelete = async () => {
    const n = selected.size;
    if (!(await confirm({ title: `Do you really want to delete the selected ${n === 1 ? "record" : n + " records"}?`, confirmLabel: "Yes" }))) return;
    const results = await runWrites(coll.name, [...selected.keys()].map((id) => ({ action: "delete", id })));
    const failed = results.filter((r) => !r.ok);
    if (failed.length) toast(`Failed to delete ${failed.length} of ${n} records: ${failed[0].message}`, "error");
    else toast(`Successfully deleted ${n === 1 ? "record" : n + " records"}.`);
    setSelected(new Map());
    reload();
  };
  const doExport = async (format) => {
    try {
      const n = await exportRecords(coll, format, selected.size ? [...selected.values()] : null, { filter, sort });
      toast(`Exported ${n} ${n === 1 ? "record" : "records"}.`);
    } catch (err) { toast(errorMessage(err, "Failed to export."), "error"); }
  };
  const ariaSort = (f) => sort === sortKey(f) ? "ascending" : sort === "-" + sortKey(f) ? "descending" : null;
  const hasMore = total !== null ? page * PER_PAGE < total : rows.length === PER_PAGE;

  return html`<section class="stack records">
    <header class="page-head">
      <h1><span class="muted">Collections / </span>${coll.name}</h1>
      <button type="button" class="btn btn-secondary" onClick=${onEdit} aria-label="Edit collection">Edit collection</button>${actions}
      <button type="button" class="btn btn-secondary" onClick=${reload}>Refresh</button>
      ${coll.type !== "view" ? html`<button type="button" class="btn btn-secondary" onClick=${() => setDialog("import")}>Import</button>` : null}
      ${coll.type !== "view" ? html`<button type="button" class="btn btn-primary" onClick=${() => open(null)}>New record</button>` : null}
    </header>
    <div class="row records-tools">
      <div class="grow"><${FilterBar} key=${coll.id} coll=${coll} value=${filter} onApply=${(f) => { setFilter(f); setPage(1); }}/></div>
      <${ColumnsMenu} fields=${fields} hidden=${hidden} onToggle=${toggleColumn}/>
      <button type="button" class="btn btn-sm btn-secondary" onClick=${() => doExport("csv")}>${selected.size ? "Export selected to CSV" : "Export to CSV"}</button>
      <button type="button" class="btn btn-sm btn-secondary" onClick=${() => doExport("json")}>${selected.size ? "Export selected to JSON" : "Export to JSON"}</button>
    </div>
    ${selected.size ? html`<div class="row bulk-bar" role="region" aria-label="Bulk actions">
      <strong>Selected ${selected.size} ${selected.size === 1 ? "record" : "records"}</strong>
      <button type="button" class="btn btn-sm btn-link" onClick=${() => setSelected(new Map())}>Reset</button>
      ${coll.type !== "view" ? html`<button type="button" class="btn btn-sm btn-secondary" onClick=${() => setDialog("bulk")}>Bulk update</button>
      <button type="button" class="btn btn-sm btn-danger" onClick=${bulkDelete}>Delete selected</button>` : null}
    </div>` : null}
    ${loadError ? html`<p class="form-error" role="alert">${loadError}</p>` : null}
    <div class="table-wrap"><table class="table records-table">
      <caption class="hidden">Records of ${coll.name}</caption>
      <thead><tr>
        <th scope="col" class="col-select"><input type="checkbox" aria-label="Select all" checked=${allOnPage} onChange=${toggleAll}/></th>
        ${shown.map((f) => html`<th scope="col" key=${f.name} aria-sort=${ariaSort(f)}>
          <button type="button" class="th-sort" onClick=${() => sortBy(f)} aria-label=${"Sort by " + f.name}>
            ${f.name}${ariaSort(f) === "ascending" ? " ↑" : ariaSort(f) === "descending" ? " ↓" : ""}</button></th>`)}
      </tr></thead>
      <tbody>
        ${items === null ? html`<tr><td colspan=${shown.length + 1} class="loading">Loading…</td></tr>` : null}
        ${items !== null && !rows.length ? html`<tr><td colspan=${shown.length + 1} class="muted">No records found.</td></tr>` : null}
        ${rows.map((r) => html`<tr key=${r.id} class="record-row" data-id=${r.id} onClick=${(e) => { if (!e.target.closest("input,button,a")) open(r); }}>
          <td class="col-select"><input type="checkbox" aria-label=${"Select " + r.id} checked=${selected.has(r.id)} onChange=${() => toggle(r)}/></td>
          ${shown.map((f) => html`<td key=${f.name} class="cell-wrap">${f.name === "id"
            ? html`<button type="button" class="btn-link mono" onClick=${() => open(r)}>${r.id}</button>` : html`<${Cell} record=${r} field=${f}/>`}</td>`)}
        </tr>`)}
      </tbody>
    </table></div>
    <nav class="row pager" aria-label="Pages">
      <span class="muted" aria-live="polite">Total found: ${total === null ? "…" : total}</span>
      <span class="grow"></span>
      <button type="button" class="btn btn-sm btn-secondary" disabled=${page <= 1} onClick=${() => setPage(page - 1)}>Previous page</button>
      <span>Page ${page}${total !== null ? " of " + Math.max(1, Math.ceil(total / PER_PAGE)) : ""}</span>
      <button type="button" class="btn btn-sm btn-secondary" disabled=${!hasMore} onClick=${() => setPage(page + 1)}>Next page</button>
    </nav>
    ${editing ? html`<${RecordEditor} key=${editing.key} collection=${coll} record=${editing.record}
      onClose=${() => setEditing(null)} onSaved=${() => { setEditing(null); reload(); }}
      onDuplicate=${(copy) => setEditing({ record: copy, key: Math.random() })}/>` : null}
    ${dialog === "import" ? html`<${ImportDialog} collection=${coll} onClose=${() => setDialog("")} onDone=${reload}/>` : null}
    ${dialog === "bulk" ? html`<${BulkUpdateDialog} collection=${coll} ids=${[...selected.keys()]}
      onClose=${() => setDialog("")} onDone=${() => { setDialog(""); reload(); }}/>` : null}
  </section>`;
}
