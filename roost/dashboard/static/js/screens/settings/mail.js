// Settings > Mail settings: the sender, the SMTP server (settings.meta.sender*, settings.smtp) and
// "Send test email" (one of an auth collection's templates to an address).
import { html, useState } from "../../html.js";
import { pb, errorMessage } from "../../pb.js";
import { toast } from "../../toasts.js";
import { collections } from "../../collections-store.js";
import { Field, Toggle } from "../../components/field.js";
import { Button } from "../../components/button.js";
import { Dialog } from "../../components/dialog.js";
import { useSettings, flatErrors } from "./use-settings.js";

const TEMPLATES = [
  ["verification", "Verification"],
  ["password-reset", "Password reset"],
  ["email-change", "Confirm email change"],
  ["otp", "OTP"],
  ["login-alert", "Login alert"],
];

function TestEmail({ open, onClose }) {
  const [email, setEmail] = useState("");
  const [template, setTemplate] = useState("verification");
  const [collection, setCollection] = useState("_superusers");
  const [errors, setErrors] = useState({});
  const [busy, setBusy] = useState(false);
  const auths = collections.value.filter((c) => c.type === "auth");
  async function send(e) {
    if (e) e.preventDefault();
    setBusy(true);
    setErrors({});
    try {
      await pb.settings.testEmail(collection, email, template);
      toast("Successfully sent test email.");
      onClose();
    } catch (err) {
      setErrors(flatErrors(err && err.response && err.response.data));
      toast(errorMessage(err), "error");
    } finally {
      setBusy(false);
    }
  }
  return html`<${Dialog} open=${open} title="Send test email" onClose=${onClose}
    footer=${html`<${Button} onClick=${onClose}>Close<//><${Button} kind="primary" busy=${busy} onClick=${send}>Send<//>`}>
    <form class="stack" onSubmit=${send} novalidate>
      <fieldset class="stack"><legend>Template</legend>
        ${TEMPLATES.map(([id, label]) => html`<label class="row"><input type="radio" name="template" value=${id}
          checked=${template === id} onChange=${() => setTemplate(id)}/> ${label}</label>`)}
        ${errors.template ? html`<small class="field-error">${errors.template}</small>` : null}
      </fieldset>
      <${Field} label="Auth collection" error=${errors.collection}>${(id) => html`
        <select id=${id} value=${collection} onChange=${(e) => setCollection(e.target.value)}>
          ${(auths.length ? auths : [{ name: "_superusers" }]).map((c) => html`<option value=${c.name}>${c.name}</option>`)}
        </select>`}<//>
      <${Field} label="To email address" type="email" required value=${email} error=${errors.email}
        onInput=${(e) => setEmail(e.target.value)}/>
    </form>
  <//>`;
}

export default function Mail() {
  const s = useSettings();
  const [testing, setTesting] = useState(false);
  const d = s.draft;
  if (!d) return html`<p class="loading">Loading…</p>`;
  const e = s.errors;
  const smtp = d.smtp;
  const save = (ev) => {
    ev.preventDefault();
    s.save(["meta", "smtp"], "Successfully saved mail settings.", (body) => ({ ...body, smtp: { ...body.smtp, port: Number(body.smtp.port) } }));
  };
  return html`<form class="panel stack" onSubmit=${save} novalidate>
    <div class="grid-2">
      <${Field} label="Sender name" required value=${d.meta.senderName} error=${e["meta.senderName"]}
        onInput=${(ev) => s.set("meta.senderName", ev.target.value)}/>
      <${Field} label="Sender address" type="email" required value=${d.meta.senderAddress} error=${e["meta.senderAddress"]}
        onInput=${(ev) => s.set("meta.senderAddress", ev.target.value)}/>
    </div>
    <${Toggle} label="Use SMTP mail server (recommended)" checked=${smtp.enabled} onChange=${(v) => s.set("smtp.enabled", v)}
      hint="Without it, mails are sent with the system's sendmail."/>
    ${smtp.enabled ? html`<div class="grid-2">
      <${Field} label="SMTP server host" required value=${smtp.host} error=${e["smtp.host"]} onInput=${(ev) => s.set("smtp.host", ev.target.value)}/>
      <${Field} label="Port" type="number" required value=${smtp.port} error=${e["smtp.port"]} onInput=${(ev) => s.set("smtp.port", ev.target.value)}/>
      <${Field} label="Username" value=${smtp.username} error=${e["smtp.username"]} onInput=${(ev) => s.set("smtp.username", ev.target.value)}/>
      <${Field} label="Password" type="password" autocomplete="new-password" value=${smtp.password || ""} error=${e["smtp.password"]}
        hint="Leave empty to keep the current password" onInput=${(ev) => s.set("smtp.password", ev.target.value)}/>
      <${Field} label="TLS encryption">${(id) => html`<select id=${id} value=${smtp.tls ? "1" : ""} onChange=${(ev) => s.set("smtp.tls", ev.target.value === "1")}>
        <option value="">Auto (StartTLS)</option><option value="1">Always</option></select>`}<//>
      <${Field} label="AUTH method" error=${e["smtp.authMethod"]}>${(id) => html`<select id=${id} value=${smtp.authMethod} onChange=${(ev) => s.set("smtp.authMethod", ev.target.value)}>
        <option value="">PLAIN (default)</option><option value="PLAIN">PLAIN</option><option value="LOGIN">LOGIN</option></select>`}<//>
      <${Field} label="EHLO/HELO domain" value=${smtp.localName} error=${e["smtp.localName"]} placeholder="Default to localhost"
        onInput=${(ev) => s.set("smtp.localName", ev.target.value)}/>
    </div>` : null}
    <div class="form-actions">
      <${Button} onClick=${() => setTesting(true)}>Send test email<//>
      <${Button} type="submit" kind="primary" busy=${s.busy}>Save changes<//>
    </div>
    <${TestEmail} open=${testing} onClose=${() => setTesting(false)}/>
  </form>`;
}
