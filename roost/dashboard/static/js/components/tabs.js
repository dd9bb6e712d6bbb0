// Tabs with the ARIA tab pattern (arrow keys move between tabs).
//   <Tabs tabs=${[{id: "fields", label: "Fields"}, ...]} active=${tab} onChange=${setTab}/>
//   <div role="tabpanel" id=${"panel-" + tab} aria-labelledby=${"tab-" + tab}>...</div>
import { html } from "../html.js";

export function Tabs({ tabs, active, onChange, idPrefix = "tab" }) {
  const keys = (e, i) => {
    const step = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
    if (!step) return;
    const next = tabs[(i + step + tabs.length) % tabs.length];
    onChange(next.id);
    const el = document.getElementById(idPrefix + "-" + next.id);
    if (el) el.focus();
  };
  return html`<div class="tabs" role="tablist">
    ${tabs.map((t, i) => html`<button type="button" role="tab" id=${idPrefix + "-" + t.id}
      aria-selected=${t.id === active ? "true" : "false"} tabindex=${t.id === active ? 0 : -1}
      aria-controls=${idPrefix + "-panel-" + t.id}
      class=${"tab" + (t.id === active ? " active" : "")} onClick=${() => onChange(t.id)} onKeyDown=${(e) => keys(e, i)}>
      ${t.label}${t.badge ? html` <span class="badge">${t.badge}</span>` : null}</button>`)}
  </div>`;
}

export function TabPanel({ id, active, idPrefix = "tab", children }) {
  if (id !== active) return null;
  return html`<div role="tabpanel" id=${idPrefix + "-panel-" + id} aria-labelledby=${idPrefix + "-" + id} class="tab-panel">${children}</div>`;
}
