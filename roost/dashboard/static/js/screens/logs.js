// #/logs: the requests chart (lazy-loaded, drag to zoom or pick a range), level and search
// filters, the logs table (newest first, "Load more"), one log's details and the logs settings.
import { html, useState, useEffect, useRef } from "../html.js";
import { pb, errorMessage } from "../pb.js";
import { toast } from "../toasts.js";
import { Field } from "../components/field.js";
import { Button } from "../components/button.js";
import { LEVELS, RANGES, buildFilter, levelName } from "./logs/filters.js";
import { LogDetail } from "./logs/detail.js";
import { LogsSettings } from "./logs/settings-dialog.js";

const PER_PAGE = 50;

function useChart() {
  const [Chart, setChart] = useState(null);
  useEffect(() => { import("./logs/chart.js").then((m) => setChart(() => m.default)); }, []);
  return Chart;
}

export default function Logs() {
  const Chart = useChart();
  const [search, setSearch] = useState("");
  const [typed, setTyped] = useState("");
  const [level, setLevel] = useState("");
  const [range, setRange] = useState(null);
  const [items, setItems] = useState(null);
  const [page, setPage] = useState(1);
  const [more, setMore] = useState(false);
  const [stats, setStats] = useState(null);
  const [open, setOpen] = useState(null);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const seq = useRef(0);
  const filter = buildFilter({ search, level, range });

  async function load(nextPage = 1) {
    const mine = ++seq.current;
    try {
      const [list, st] = await Promise.all([
        pb.logs.getList(nextPage, PER_PAGE, { sort: "-created,-id", filter, skipTotal: true }),
        nextPage === 1 ? pb.logs.getStats({ filter }) : Promise.resolve(null),
      ]);
      if (mine !== seq.current) return; // a newer filter answered first
      setItems(nextPage === 1 ? list.items : [...(items || []), ...list.items]);
      setMore(list.items.length === PER_PAGE);
      setPage(nextPage);
      if (st) setStats(st);
    } catch (err) {
      if (mine !== seq.current) return;
      setItems([]);
      setStats([]);
      toast(errorMessage(err), "error");
    }
  }
  useEffect(() => { load(1); }, [filter]);

  const pickRange = (r) => setRange(r ? { from: new Date(Date.now() - r.ms), to: null, id: r.id } : null);
  const submit = (e) => { e.preventDefault(); setSearch(typed); };
  const openLog = (id) => pb.logs.getOne(id).then(setOpen, (err) => toast(errorMessage(err), "error"));

  return html`<section class="page">
    <header class="page-head"><h1>Logs</h1>
      <div class="row">
        <${Button} onClick=${() => load(1)}>Refresh<//>
        <${Button} onClick=${() => setSettingsOpen(true)}>Logs settings<//>
      </div></header>
    <div class="stack">
      <form class="row" role="search" onSubmit=${submit}>
        <${Field} class="grow" label="Search term or filter" type="search" value=${typed}
          placeholder='e.g. data.status >= 400 && data.method = "GET"' onInput=${(e) => setTyped(e.target.value)}/>
        <${Field} label="Level">${(id) => html`<select id=${id} value=${level} onChange=${(e) => setLevel(e.target.value)}>
          ${LEVELS.map((l) => html`<option value=${l.value}>${l.label}</option>`)}</select>`}<//>
        <${Button} type="submit" kind="primary">Search<//>
        ${search ? html`<${Button} kind="link" onClick=${() => { setTyped(""); setSearch(""); }}>Clear<//>` : null}
      </form>
      <div class="row" role="group" aria-label="Time range">
        ${RANGES.map((r) => html`<${Button} class="btn-sm" aria-pressed=${range && range.id === r.id ? "true" : "false"}
          onClick=${() => pickRange(r)}>${r.label}<//>`)}
        <${Button} class="btn-sm" aria-pressed=${range ? "false" : "true"} onClick=${() => pickRange(null)}>${range && !range.id ? "Reset zoom" : "All time"}<//>
        ${range && !range.id ? html`<span class="muted">Zoomed: ${range.from.toLocaleString()} – ${range.to.toLocaleString()}</span>` : null}
      </div>
      ${Chart && stats ? html`<${Chart} stats=${stats} onZoom=${(r) => setRange(r)}/>` : html`<p class="loading">Loading chart…</p>`}
      ${items === null ? html`<p class="loading">Loading…</p>` : items.length === 0 ? html`<p class="muted">No logs found.</p>` : html`
      <div class="table-wrap"><table class="table" aria-label="Logs">
        <thead><tr><th scope="col">Level</th><th scope="col">Message</th><th scope="col">Created</th></tr></thead>
        <tbody>${items.map((l) => html`<tr key=${l.id}>
          <td><span class=${"label label-level-" + l.level}>${levelName(l.level)}</span></td>
          <td class="cell-wrap"><button type="button" class="btn-link" onClick=${() => openLog(l.id)}>${l.message}</button>
            ${l.data && l.data.url && !String(l.message).includes(l.data.url) ? html` <code>${l.data.method} ${l.data.url}</code>` : null}
            ${l.data && l.data.status ? html` <span class="muted">${l.data.status}</span>` : null}</td>
          <td class="nowrap">${l.created}</td></tr>`)}</tbody>
      </table></div>
      ${more ? html`<div class="row"><${Button} onClick=${() => load(page + 1)}>Load more<//></div>` : null}`}
    </div>
    <${LogDetail} log=${open} onClose=${() => setOpen(null)}/>
    <${LogsSettings} open=${settingsOpen} onClose=${() => setSettingsOpen(false)}/>
  </section>`;
}
