// Placeholder replaced below
import { html } from "../../html.js";
export function CollectionEditor() { return html`<p>…</p>`; }
