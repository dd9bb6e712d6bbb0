// The relations overview's diagram: collections on a circle, an arrow per relation field from the
// collection that has it to the one it points at. Decorative next to the table, which says the
// same (the SVG carries a summary as its accessible name).
import { html } from "../../html.js";

const SIZE = 520;
const RADIUS = 190;
const NODE_W = 120;
const NODE_H = 28;

function place(rows) {
  const at = new Map();
  rows.forEach((r, i) => {
    const angle = (2 * Math.PI * i) / rows.length - Math.PI / 2;
    at.set(r.collection.id, { x: SIZE / 2 + RADIUS * Math.cos(angle), y: SIZE / 2 + RADIUS * Math.sin(angle) });
  });
  return at;
}

// the point where the line from `from` to `to` leaves the box around `to`
function boxEdge(from, to) {
  const dx = from.x - to.x;
  const dy = from.y - to.y;
  const scale = 1 / Math.max(Math.abs(dx) / (NODE_W / 2 + 4), Math.abs(dy) / (NODE_H / 2 + 4), 1e-9);
  return { x: to.x + dx * Math.min(scale, 1), y: to.y + dy * Math.min(scale, 1) };
}

export function RelationsDiagram({ rows, edges }) {
  const at = place(rows);
  const drawn = edges.filter((e) => e.target && at.has(e.source.id) && at.has(e.target.id));
  const summary = drawn.map((e) => `${e.source.name}.${e.field.name} to ${e.target.name}`).join("; ");
  return html`<figure class="relations-diagram">
    <svg viewBox=${`0 0 ${SIZE} ${SIZE}`} role="img" aria-label=${"Relations diagram: " + summary}>
      <defs><marker id="rel-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
        <path d="M0 0L10 5L0 10z" class="rel-arrow-head"/></marker></defs>
      ${drawn.map((e, i) => {
        const a = at.get(e.source.id);
        const b = at.get(e.target.id);
        if (e.source.id === e.target.id) {
          // a self relation: a loop above the box
          return html`<g key=${i}><path class="rel-edge" marker-end="url(#rel-arrow)" fill="none"
            d=${`M${a.x - 20} ${a.y - NODE_H / 2} C${a.x - 40} ${a.y - 70} ${a.x + 40} ${a.y - 70} ${a.x + 20} ${a.y - NODE_H / 2 - 2}`}/>
            <text class="rel-label" x=${a.x + 34} y=${a.y - 46}>${e.field.name}</text></g>`;
        }
        const start = boxEdge(b, a);
        const end = boxEdge(a, b);
        return html`<g key=${i}><line class="rel-edge" x1=${start.x} y1=${start.y} x2=${end.x} y2=${end.y} marker-end="url(#rel-arrow)"/>
          <text class="rel-label" x=${(start.x + end.x) / 2} y=${(start.y + end.y) / 2 - 4} text-anchor="middle">${e.field.name}</text></g>`;
      })}
      ${rows.map((r) => {
        const p = at.get(r.collection.id);
        return html`<g key=${r.collection.id} class="rel-node">
          <rect x=${p.x - NODE_W / 2} y=${p.y - NODE_H / 2} width=${NODE_W} height=${NODE_H} rx="6"/>
          <text x=${p.x} y=${p.y + 4} text-anchor="middle">${r.collection.name}</text></g>`;
      })}
    </svg>
  </figure>`;
}
