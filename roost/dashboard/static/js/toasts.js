// Short notices in a corner: toast("Successfully saved.") or toast(message, "error"). Success
// notices fade after a few seconds; errors stay until dismissed.
import { html, signal } from "./html.js";

export const toasts = signal([]);
let nextId = 1;

export function toast(message, kind = "success") {
  if (!message) return;
  const id = nextId++;
  toasts.value = [...toasts.value, { id, message, kind }];
  if (kind !== "error") setTimeout(() => dismiss(id), 4000);
}

export function dismiss(id) {
  toasts.value = toasts.value.filter((t) => t.id !== id);
}

export function Toasts() {
  return html`<div class="toasts" role="status" aria-live="polite">
    ${toasts.value.map((t) => html`<div key=${t.id} class=${"toast toast-" + t.kind} role=${t.kind === "error" ? "alert" : null}>
      <span>${t.message}</span>
      <button type="button" class="btn-icon" aria-label="Close" onClick=${() => dismiss(t.id)}>×</button>
    </div>`)}
  </div>`;
}
