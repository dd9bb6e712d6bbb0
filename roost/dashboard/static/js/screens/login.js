// #/login: "Superuser login" with email and password. When the server answers a password login
// with an `mfaId` (MFA on _superusers), the second step asks for a one-time password sent by email
// (requestOTP + authWithOTP with that mfaId), as PocketBase's dashboard does.
import { html, useState } from "../html.js";
import { pb, errorMessage } from "../pb.js";
import { navigate } from "../router.js";
import { HOME } from "../routes.js";
import { Field } from "../components/field.js";
import { Button } from "../components/button.js";

const SUPERUSERS = "_superusers";

export default function Login() {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [otp, setOtp] = useState("");
  const [step, setStep] = useState({ kind: "password" }); // or {kind: "otp", mfaId, otpId}
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");

  const users = () => pb.collection(SUPERUSERS);
  const done = () => navigate(HOME, null, true);

  async function submitPassword(e) {
    e.preventDefault();
    setBusy(true);
    setError("");
    try {
      await users().authWithPassword(email, password);
      done();
    } catch (err) {
      const mfaId = err && err.response && err.response.mfaId;
      if (mfaId) {
        try {
          const { otpId } = await users().requestOTP(email);
          setStep({ kind: "otp", mfaId, otpId });
        } catch (otpErr) {
          setError(errorMessage(otpErr, "Failed to send the one-time password."));
        }
      } else {
        setError(errorMessage(err, "Invalid login credentials."));
      }
    } finally {
      setBusy(false);
    }
  }

  async function submitOtp(e) {
    e.preventDefault();
    setBusy(true);
    setError("");
    try {
      await users().authWithOTP(step.otpId, otp, { mfaId: step.mfaId });
      done();
    } catch (err) {
      setError(errorMessage(err, "Invalid or expired one-time password."));
    } finally {
      setBusy(false);
    }
  }

  if (step.kind === "otp") {
    return html`<form class="stack" onSubmit=${submitOtp} novalidate>
      <h1>Superuser login</h1>
      <p class="muted">Check your email (${email}) for the one-time password to finish the multi-factor login.</p>
      <${Field} label="One-time password" name="otp" value=${otp} required autofocus autocomplete="one-time-code"
        onInput=${(e) => setOtp(e.target.value)}/>
      ${error ? html`<p class="form-error" role="alert">${error}</p>` : null}
      <${Button} type="submit" kind="primary" busy=${busy} class="btn-block">Login<//>
      <button type="button" class="btn btn-link" onClick=${() => { setStep({ kind: "password" }); setOtp(""); }}>Back</button>
    </form>`;
  }

  return html`<form class="stack" onSubmit=${submitPassword} novalidate>
    <h1>Superuser login</h1>
    <${Field} label="Email" type="email" name="email" value=${email} required autofocus autocomplete="username"
      onInput=${(e) => setEmail(e.target.value)}/>
    <${Field} label="Password" type="password" name="password" value=${password} required autocomplete="current-password"
      onInput=${(e) => setPassword(e.target.value)}/>
    ${error ? html`<p class="form-error" role="alert">${error}</p>` : null}
    <${Button} type="submit" kind="primary" busy=${busy} class="btn-block">Login<//>
    <a class="link-muted" href="#/request-password-reset">Forgotten password?</a>
  </form>`;
}
