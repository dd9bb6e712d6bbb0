// The email templates of an auth collection (subject and HTML body of each), the placeholders each
// one fills in, and "Send test email" (POST /api/settings/test/email with the collection and the
// template: the server sends the saved template to the given address).
import { html, useState } from "../../html.js";
import { pb, errorMessage } from "../../pb.js";
import { toast } from "../../toasts.js";
import { Field } from "../../components/field.js";
import { Button } from "../../components/button.js";

const COMMON = ["{APP_NAME}", "{APP_URL}", "{RECORD:*}"];
// [draft path, title, test email template id, placeholders]
export const TEMPLATES = [
  [["verificationTemplate"], "Default Verification email template", "verification", [...COMMON, "{TOKEN}"]],
  [["resetPasswordTemplate"], "Default Password reset email template", "password-reset", [...COMMON, "{TOKEN}"]],
  [["confirmEmailChangeTemplate"], "Default Confirm email change email template", "email-change", [...COMMON, "{TOKEN}"]],
  [["otp", "emailTemplate"], "Default OTP email template", "otp", [...COMMON, "{OTP}", "{OTP_ID}"]],
  [["authAlert", "emailTemplate"], "Default Login alert email template", "login-alert", [...COMMON, "{ALERT_INFO}"]],
];

const get = (obj, path) => path.reduce((o, k) => (o && o[k]) || undefined, obj) || {};
// the draft patch that sets the template at `path` to `tpl`
function patchAt(draft, path, tpl) {
  if (path.length === 1) return { [path[0]]: tpl };
  return { [path[0]]: { ...(draft[path[0]] || {}), [path[1]]: tpl } };
}
const errorAt = (errors, path, key) => {
  const e = get(errors, [...path, key]);
  return e && e.message;
};

function TestEmail({ collection, template, title }) {
  const [email, setEmail] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const send = async () => {
    setBusy(true);
    setError("");
    try {
      await pb.settings.testEmail(collection, email, template);
      toast(`Successfully sent test email to ${email}.`);
    } catch (err) {
      const data = (err && err.response && err.response.data) || {};
      setError(Object.values(data).map((v) => v && v.message).filter(Boolean).join(" ") || errorMessage(err));
      toast(errorMessage(err, "Failed to send the test email."), "error");
    } finally { setBusy(false); }
  };
  return html`<div class="row">
    <${Field} class="grow" label=${"Test email address for " + title} type="email" value=${email} error=${error}
      hint="The saved template is sent." onInput=${(e) => setEmail(e.target.value)}/>
    <${Button} class="btn-sm" busy=${busy} onClick=${send} aria-label=${"Send test email: " + title}>Send test email<//>
  </div>`;
}

export function EmailTemplates({ draft, set, errors = {} }) {
  return html`<section class="panel stack"><h3>Mail templates</h3>
    ${TEMPLATES.map(([path, title, testId, placeholders]) => {
      const tpl = get(draft, path);
      const change = (patch) => set(patchAt(draft, path, { ...tpl, ...patch }));
      return html`<fieldset class="panel stack" key=${testId}><legend><strong>${title}</strong></legend>
        <p class="hint">Placeholders: ${placeholders.map((p) => html`<code>${p}</code> `)}</p>
        <${Field} label=${"Subject of " + title} value=${tpl.subject || ""} error=${errorAt(errors, path, "subject")}
          onInput=${(e) => change({ subject: e.target.value })}/>
        <${Field} label=${"Body (HTML) of " + title} error=${errorAt(errors, path, "body")}>${(id, desc) => html`<textarea id=${id}
          class="mono" rows="6" spellcheck="false" aria-describedby=${desc} value=${tpl.body || ""}
          onInput=${(e) => change({ body: e.target.value })}/>`}<//>
        ${draft.id ? html`<${TestEmail} collection=${draft.name} template=${testId} title=${title}/>` : null}
      </fieldset>`;
    })}
  </section>`;
}
