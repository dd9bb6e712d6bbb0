// The auth record's actions in the editor: mark verified / unverified, send a password reset
// email, and impersonate (a superuser gets a token that acts as this record; it is shown to copy).
import { html, useState } from "../../html.js";
import { pb, errorMessage } from "../../pb.js";
import { toast } from "../../toasts.js";
import { Button } from "../../components/button.js";
import { Field } from "../../components/field.js";

export function AuthActions({ collection: coll, record, onChanged }) {
  const [verified, setVerified] = useState(!!record.verified);
  const [token, setToken] = useState("");
  const svc = pb.collection(coll.name);
  const run = async (work) => { try { await work(); } catch (err) { toast(errorMessage(err), "error"); } };
  const toggleVerified = () => run(async () => {
    const r = await svc.update(record.id, { verified: !verified });
    setVerified(r.verified);
    onChanged(r);
    toast(r.verified ? "Successfully marked as verified." : "Successfully marked as unverified.");
  });
  const reset = () => run(async () => {
    await svc.requestPasswordReset(record.email);
    toast(`Successfully sent password reset email to ${record.email}.`);
  });
  const impersonate = () => run(async () => {
    const client = await svc.impersonate(record.id, 0);
    setToken(client.authStore.token);
  });
  return html`<div class="stack auth-actions">
    <div class="row">
      <${Button} class="btn-sm" onClick=${toggleVerified}>${verified ? "Mark as unverified" : "Mark as verified"}<//>
      ${record.email ? html`<${Button} class="btn-sm" onClick=${reset}>Send password reset email<//>` : null}
      <${Button} class="btn-sm" onClick=${impersonate}>Impersonate<//>
    </div>
    ${token ? html`<${Field} label="Impersonate auth token">${(id) => html`<textarea id=${id} class="mono" readonly rows="3"
      value=${token} onFocus=${(e) => e.target.select()}/>`}<//>` : null}
  </div>`;
}
