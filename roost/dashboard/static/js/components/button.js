// Buttons: kind "primary" | "secondary" | "danger" | "link"; `busy` disables and says so.
import { html } from "../html.js";

export function Button({ kind = "secondary", busy = false, type = "button", children, class: cls = "", ...rest }) {
  return html`<button type=${type} class=${"btn btn-" + kind + " " + cls} disabled=${busy || rest.disabled}
    aria-busy=${busy ? "true" : null} ...${rest}>${children}</button>`;
}
