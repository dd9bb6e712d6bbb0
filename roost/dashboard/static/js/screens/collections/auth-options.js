// The Options tab of an auth collection: identity/password login, OTP, MFA, OAuth2 on/off and
// the OAuth2 providers and field mapping, the email templates and the token durations.
import { html } from "../../html.js";
import { Field, Toggle } from "../../components/field.js";
import { OAuth2Providers } from "./oauth2-providers.js";
import { EmailTemplates } from "./email-templates.js";

export function AuthOptions({ draft, set, errors = {} }) {
  const part = (key, patch) => set({ [key]: { ...(draft[key] || {}), ...patch } });
  const pw = draft.passwordAuth || {};
  const otp = draft.otp || {};
  const mfa = draft.mfa || {};
  const oauth2 = draft.oauth2 || {};
  const duration = (key, label) => html`<${Field} label=${label} type="number" min="0" value=${(draft[key] || {}).duration ?? ""}
    hint="Seconds." onInput=${(e) => part(key, { duration: Number(e.target.value) || 0 })}/>`;
  return html`<div class="stack">
    <section class="panel stack"><h3>Identity/Password</h3>
      <${Toggle} label="Enable" checked=${pw.enabled} onChange=${(v) => part("passwordAuth", { enabled: v })}/>
      <${Field} label="Unique identity fields" value=${(pw.identityFields || []).join(", ")} hint="Comma separated, e.g. email, username."
        onInput=${(e) => part("passwordAuth", { identityFields: e.target.value.split(",").map((s) => s.trim()).filter(Boolean) })}/>
    </section>
    <section class="panel stack"><h3>One-time password (OTP)</h3>
      <${Toggle} label="Enable" checked=${otp.enabled} onChange=${(v) => part("otp", { enabled: v })}/>
      <div class="grid-2">
        <${Field} label="Duration (in seconds)" type="number" min="0" value=${otp.duration ?? ""} onInput=${(e) => part("otp", { duration: Number(e.target.value) || 0 })}/>
        <${Field} label="Generated password length" type="number" min="0" value=${otp.length ?? ""} onInput=${(e) => part("otp", { length: Number(e.target.value) || 0 })}/>
      </div>
    </section>
    <section class="panel stack"><h3>Multi-factor authentication (MFA)</h3>
      <${Toggle} label="Enable" checked=${mfa.enabled} onChange=${(v) => part("mfa", { enabled: v })}/>
      <${Field} label="Duration (in seconds)" type="number" min="0" value=${mfa.duration ?? ""} onInput=${(e) => part("mfa", { duration: Number(e.target.value) || 0 })}/>
    </section>
    <section class="panel stack"><h3>OAuth2</h3>
      <${Toggle} label="Enable" checked=${oauth2.enabled} onChange=${(v) => part("oauth2", { enabled: v })}/>
      <${OAuth2Providers} oauth2=${oauth2} fields=${draft.fields} errors=${(errors.raw || {}).oauth2}
        onChange=${(patch) => part("oauth2", patch)}/>
    </section>
    <${EmailTemplates} draft=${draft} set=${set} errors=${errors.raw || {}}/>
    <section class="panel stack"><h3>Tokens options (duration)</h3>
      <div class="grid-2">
        ${duration("authToken", "Auth")}${duration("verificationToken", "Email verification")}
        ${duration("passwordResetToken", "Password reset")}${duration("emailChangeToken", "Email change")}
        ${duration("fileToken", "Protected file access")}
      </div>
    </section>
  </div>`;
}
