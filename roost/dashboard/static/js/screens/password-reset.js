// #/request-password-reset: sends the superuser password reset email.
import { html, useState } from "../html.js";
import { pb, errorMessage } from "../pb.js";
import { Field } from "../components/field.js";
import { Button } from "../components/button.js";

export default function PasswordReset() {
  const [email, setEmail] = useState("");
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState(false);
  const [error, setError] = useState("");

  async function submit(e) {
    e.preventDefault();
    setBusy(true);
    setError("");
    try {
      await pb.collection("_superusers").requestPasswordReset(email);
      setSent(true);
    } catch (err) {
      setError(errorMessage(err, "Failed to send the reset email."));
    } finally {
      setBusy(false);
    }
  }

  if (sent) {
    return html`<div class="stack">
      <h1>Forgotten superuser password</h1>
      <p role="status">Check ${email} for the recovery link.</p>
      <a href="#/login">Back to login</a>
    </div>`;
  }
  return html`<form class="stack" onSubmit=${submit} novalidate>
    <h1>Forgotten superuser password</h1>
    <p class="muted">Enter the email associated with your account and we’ll send you a recovery link:</p>
    <${Field} label="Email" type="email" value=${email} required autofocus onInput=${(e) => setEmail(e.target.value)}/>
    ${error ? html`<p class="form-error" role="alert">${error}</p>` : null}
    <${Button} type="submit" kind="primary" busy=${busy} class="btn-block">Send recovery link<//>
    <a class="link-muted" href="#/login">Back to login</a>
  </form>`;
}
