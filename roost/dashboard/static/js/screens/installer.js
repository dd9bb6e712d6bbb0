// #/pbinstall/TOKEN: the first-run screen `roost serve` links to while no superuser exists. The
// token is a 30-minute auth token of a temporary installer superuser; with it the form creates the
// first real superuser (which removes the installer account), then signs in as that superuser;
// or, below it, initializes the app from a backup (installer-restore.js).
import { html, useState } from "../html.js";
import { pb, errorMessage, fieldErrors } from "../pb.js";
import { getTokenPayload, isTokenExpired } from "../../vendor/pocketbase.js";
import { navigate } from "../router.js";
import { HOME } from "../routes.js";
import { Field } from "../components/field.js";
import { Button } from "../components/button.js";
import { RestoreFromBackup } from "./installer-restore.js";

export default function Installer({ params }) {
  const token = params.token;
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState({});
  const [error, setError] = useState("");

  const claims = getTokenPayload(token);
  if (!claims.id || isTokenExpired(token)) {
    return html`<div class="stack">
      <h1>Create your first superuser</h1>
      <p class="form-error" role="alert">The installer link is invalid or has expired. Restart the server for a new link, or create a superuser with <code>roost superuser upsert EMAIL PASSWORD</code>.</p>
      <a href="#/login">Go to login</a>
    </div>`;
  }

  async function submit(e) {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setError("");
    try {
      await pb.collection("_superusers").create(
        { email, password, passwordConfirm: confirm },
        { headers: { Authorization: token } },
      );
      await pb.collection("_superusers").authWithPassword(email, password);
      navigate(HOME, null, true);
    } catch (err) {
      setErrors(fieldErrors(err));
      setError(errorMessage(err, "Failed to create the superuser."));
    } finally {
      setBusy(false);
    }
  }

  return html`<div class="stack"><form class="stack" onSubmit=${submit} novalidate>
    <h1>Create your first superuser</h1>
    <p class="muted">You are one step away from using your new Roost server.</p>
    <${Field} label="Email" type="email" value=${email} required autofocus autocomplete="username"
      error=${errors.email} onInput=${(e) => setEmail(e.target.value)}/>
    <${Field} label="Password" type="password" value=${password} required autocomplete="new-password"
      hint="Recommended at least 10 characters." error=${errors.password} onInput=${(e) => setPassword(e.target.value)}/>
    <${Field} label="Password confirm" type="password" value=${confirm} required autocomplete="new-password"
      error=${errors.passwordConfirm} onInput=${(e) => setConfirm(e.target.value)}/>
    ${error ? html`<p class="form-error" role="alert">${error}</p>` : null}
    <${Button} type="submit" kind="primary" busy=${busy} class="btn-block">Create superuser and login<//>
  </form>
  <${RestoreFromBackup} token=${token} busy=${busy} setBusy=${setBusy}/></div>`;
}
