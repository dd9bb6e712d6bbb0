// A form row: a real <label> tied to its control, a hint and the server's message for the field.
//   <Field label="Email" type="email" value=${v} onInput=${(e) => set(e.target.value)} error=${errs.email}/>
//   <Field label="Type" error=...>${(id) => html`<select id=${id}>...</select>`}</Field>
import { html, useId } from "../html.js";

export function Field({ label, error, hint, children, class: cls = "", ...input }) {
  const id = useId();
  const described = error ? id + "-err" : hint ? id + "-hint" : null;
  const control = typeof children === "function"
    ? children(id, described)
    : html`<input id=${id} aria-invalid=${error ? "true" : null} aria-describedby=${described} ...${input}/>`;
  return html`<div class=${"field " + cls + (error ? " has-error" : "")}>
    <label for=${id}>${label}</label>
    ${control}
    ${hint && !error ? html`<small class="hint" id=${id + "-hint"}>${hint}</small>` : null}
    ${error ? html`<small class="field-error" id=${id + "-err"}>${error}</small>` : null}
  </div>`;
}

// A checkbox with its label on the right (PocketBase's toggles)
export function Toggle({ label, checked, onChange, hint, ...rest }) {
  const id = useId();
  return html`<div class="field field-toggle">
    <input id=${id} type="checkbox" role="switch" checked=${!!checked}
      onChange=${(e) => onChange(e.target.checked)} ...${rest}/>
    <label for=${id}>${label}</label>
    ${hint ? html`<small class="hint">${hint}</small>` : null}
  </div>`;
}
