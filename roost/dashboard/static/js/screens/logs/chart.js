// The requests chart: one bar per hour from /api/logs/stats, drawn as SVG (no chart library to
// load). Dragging across it (mouse or touch) zooms to the dragged span through onZoom({from, to}).
import { html, useRef, useState } from "../../html.js";
import { fromServerDate } from "./filters.js";

const W = 1000;
const H = 160;
const PAD = { left: 40, right: 8, top: 10, bottom: 22 };
const HOUR = 3600e3;

export default function LogsChart({ stats, onZoom }) {
  const svg = useRef(null);
  const [drag, setDrag] = useState(null);
  const points = (stats || []).map((s) => ({ t: fromServerDate(s.date).getTime(), total: s.total }));
  const total = points.reduce((n, p) => n + p.total, 0);
  if (!points.length) {
    return html`<figure class="panel" aria-label="Requests chart"><p class="muted">No logs found for the chart.</p></figure>`;
  }
  const t0 = Math.min(...points.map((p) => p.t));
  const t1 = Math.max(...points.map((p) => p.t)) + HOUR;
  const max = Math.max(1, ...points.map((p) => p.total));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const x = (t) => PAD.left + ((t - t0) / (t1 - t0)) * plotW;
  const y = (v) => PAD.top + plotH - (v / max) * plotH;
  const barW = Math.max(1, (HOUR / (t1 - t0)) * plotW - 1);
  const timeAt = (clientX) => {
    const box = svg.current.getBoundingClientRect();
    const sx = ((clientX - box.left) / box.width) * W;
    const frac = Math.min(1, Math.max(0, (sx - PAD.left) / plotW));
    return t0 + frac * (t1 - t0);
  };
  const down = (e) => {
    svg.current.setPointerCapture && svg.current.setPointerCapture(e.pointerId);
    const t = timeAt(e.clientX);
    setDrag({ a: t, b: t });
  };
  const move = (e) => { if (drag) setDrag({ ...drag, b: timeAt(e.clientX) }); };
  const up = () => {
    if (!drag) return;
    const from = Math.min(drag.a, drag.b);
    const to = Math.max(drag.a, drag.b);
    setDrag(null);
    // a click (no real span) is not a zoom
    if (x(to) - x(from) > 4) onZoom({ from: new Date(from), to: new Date(to) });
  };
  const fmt = (t) => new Date(t).toLocaleString([], { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
  return html`<figure class="panel logs-chart">
    <svg ref=${svg} viewBox=${`0 0 ${W} ${H}`} width="100%" height=${H} role="img" preserveAspectRatio="none"
      aria-label=${`Requests chart: ${total} logs between ${fmt(t0)} and ${fmt(t1)}. Drag across it to zoom.`}
      onPointerDown=${down} onPointerMove=${move} onPointerUp=${up} onPointerCancel=${() => setDrag(null)}>
      <line x1=${PAD.left} y1=${PAD.top + plotH} x2=${W - PAD.right} y2=${PAD.top + plotH} stroke="currentColor" stroke-opacity="0.3"/>
      <text x=${PAD.left - 6} y=${PAD.top + 10} text-anchor="end" font-size="11" fill="currentColor">${max}</text>
      <text x=${PAD.left - 6} y=${PAD.top + plotH} text-anchor="end" font-size="11" fill="currentColor">0</text>
      <text x=${PAD.left} y=${H - 4} font-size="11" fill="currentColor">${fmt(t0)}</text>
      <text x=${W - PAD.right} y=${H - 4} text-anchor="end" font-size="11" fill="currentColor">${fmt(t1)}</text>
      ${points.map((p) => html`<rect x=${x(p.t)} y=${y(p.total)} width=${barW} height=${PAD.top + plotH - y(p.total)}
        fill="#4f7df3"><title>${fmt(p.t)}: ${p.total}</title></rect>`)}
      ${drag ? html`<rect x=${x(Math.min(drag.a, drag.b))} y=${PAD.top} width=${Math.abs(x(drag.b) - x(drag.a))} height=${plotH}
        fill="#4f7df3" fill-opacity="0.2"/>` : null}
    </svg>
    <figcaption class="muted">${total} logs in the chart</figcaption>
  </figure>`;
}
