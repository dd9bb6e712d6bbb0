// confirm({title, message, items, confirmLabel}) -> Promise<boolean>: a yes/no dialog, listing
// `items` (e.g. the destructive changes a save would make). <ConfirmHost/> is mounted once by main.js.
import { html, signal } from "../html.js";
import { Dialog } from "./dialog.js";
import { Button } from "./button.js";

const pending = signal(null);

export function confirm({ title = "Are you sure?", message = "", items = [], confirmLabel = "Yes", danger = true } = {}) {
  return new Promise((resolve) => {
    pending.value = { title, message, items, confirmLabel, danger, resolve };
  });
}

export function ConfirmHost() {
  const p = pending.value;
  const done = (answer) => { pending.value = null; p.resolve(answer); };
  return html`<${Dialog} open=${!!p} title=${p ? p.title : ""} onClose=${() => done(false)} class="dialog-confirm"
    footer=${p && html`
      <${Button} kind="secondary" onClick=${() => done(false)}>No<//>
      <${Button} kind=${p.danger ? "danger" : "primary"} onClick=${() => done(true)} autofocus>${p.confirmLabel}<//>`}>
    ${p && p.message ? html`<p>${p.message}</p>` : null}
    ${p && p.items.length ? html`<ul class="confirm-items">${p.items.map((it) => html`<li>${it}</li>`)}</ul>` : null}
  <//>`;
}
