// The pages PocketBase's default emails and OAuth2 redirects link to, for any auth collection:
//   #/auth/confirm-verification/TOKEN, #/auth/confirm-password-reset/TOKEN,
//   #/auth/confirm-email-change/TOKEN, #/auth/oauth2-redirect-success|failure
// The collection comes from the token's collectionId claim. They send no session (a fresh SDK
// client with an in-memory store), so a signed-in superuser's session is neither used nor changed.
import { html, useState, useEffect } from "../html.js";
import PocketBase, { getTokenPayload } from "../../vendor/pocketbase.js";
import { errorMessage, fieldErrors } from "../pb.js";
import { Field } from "../components/field.js";
import { Button } from "../components/button.js";

function client() {
  const c = new PocketBase(window.location.origin);
  c.authStore.save("", null);
  c.beforeSend = (url, options) => ({ url, options: { ...options, credentials: "omit" } });
  return c;
}

function Verification({ token }) {
  const claims = getTokenPayload(token);
  const [state, setState] = useState("pending");
  useEffect(() => {
    client().collection(claims.collectionId || "").confirmVerification(token)
      .then(() => setState("ok"), () => setState("failed"));
  }, [token]);
  return html`<div class="stack"><h1>Email verification</h1>
    ${state === "pending" ? html`<p role="status">Verifying${claims.email ? " " + claims.email : ""}…</p>` : null}
    ${state === "ok" ? html`<p class="ok" role="status">Successfully verified email address.</p>` : null}
    ${state === "failed" ? html`<p class="form-error" role="alert">Invalid or expired verification token.</p>` : null}
  </div>`;
}

function PasswordForm({ token, title, intro, withConfirm, submitLabel, send, success }) {
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState({});
  const [status, setStatus] = useState(null);

  async function submit(e) {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    try {
      await send(password, confirm);
      setStatus({ ok: true, text: success });
    } catch (err) {
      setErrors(fieldErrors(err));
      setStatus({ ok: false, text: errorMessage(err, "The request failed.") });
    } finally {
      setBusy(false);
    }
  }
  if (status && status.ok) return html`<div class="stack"><h1>${title}</h1><p class="ok" role="status">${status.text}</p></div>`;
  return html`<form class="stack" onSubmit=${submit} novalidate>
    <h1>${title}</h1>
    <p class="muted">${intro}</p>
    <${Field} label=${withConfirm ? "New password" : "Password"} type="password" value=${password} autofocus required
      autocomplete=${withConfirm ? "new-password" : "current-password"} error=${errors.password}
      onInput=${(e) => setPassword(e.target.value)}/>
    ${withConfirm ? html`<${Field} label="New password confirm" type="password" value=${confirm} required
      autocomplete="new-password" error=${errors.passwordConfirm} onInput=${(e) => setConfirm(e.target.value)}/>` : null}
    ${errors.token ? html`<p class="form-error">${errors.token}</p>` : null}
    ${status ? html`<p class="form-error" role="alert">${status.text}</p>` : null}
    <${Button} type="submit" kind="primary" busy=${busy} class="btn-block">${submitLabel}<//>
  </form>`;
}

export default function AuthLinks({ params, route }) {
  const token = params.token || "";
  const claims = token ? getTokenPayload(token) : {};
  const coll = () => client().collection(claims.collectionId || "");
  switch (route.page) {
    case "confirm-verification":
      return html`<${Verification} token=${token}/>`;
    case "confirm-password-reset":
      return html`<${PasswordForm} token=${token} title="Reset password" withConfirm submitLabel="Set new password"
        intro=${claims.email ? "Choose a new password for " + claims.email + "." : "Choose a new password."}
        send=${(p, c) => coll().confirmPasswordReset(token, p, c)}
        success="Successfully changed the user password. You can now sign in with your new password."/>`;
    case "confirm-email-change":
      return html`<${PasswordForm} token=${token} title="Confirm email change" submitLabel="Confirm new email"
        intro=${claims.newEmail ? "Type your password to change your email to " + claims.newEmail + "." : "Type your password to confirm the change."}
        send=${(p) => coll().confirmEmailChange(token, p)}
        success="Successfully changed the user email address. You can now sign in with your new email address."/>`;
    case "oauth2-redirect-success":
      try { window.close(); } catch (e) { /* not a popup */ }
      return html`<div class="stack"><h1>Auth completed</h1><p class="muted">You can go back to the app if it doesn't happen automatically.</p></div>`;
    default:
      try { window.close(); } catch (e) { /* not a popup */ }
      return html`<div class="stack"><h1>Auth failed</h1><p class="muted">You can close this window and go back to the app to try again.</p></div>`;
  }
}
