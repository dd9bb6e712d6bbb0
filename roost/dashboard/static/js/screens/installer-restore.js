// The installer's "Or initialize from backup": upload a backup zip, or pick one already in the
// data folder's backups, and restore it with the installer token (PocketBase's installer makes
// the same two calls, POST /api/backups/upload and POST /api/backups/{key}/restore). The server
// restarts on the restored data, whose superusers sign in at #/login; the installer account is
// not in the restored data, so the token stops working then, which is how the page knows.
import { html, useState, useEffect, useRef } from "../html.js";
import { pb, errorMessage } from "../pb.js";
import { toast } from "../toasts.js";
import { navigate } from "../router.js";
import { confirm } from "../components/confirm.js";
import { Button } from "../components/button.js";

const warning = (what) => `Note that we don't perform validations for ${what}. Proceed with caution and only if you trust the file source.`;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Until the server is back on the restored data: the installer token stops working once the data
// is swapped (401), and the server restarts right after, so also wait to see it go down and come
// back (connection errors), or, should the restart be too quick to see, for 5 s of 401s.
async function restored(token, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  let sawDown = false;
  let firstGone = 0;
  while (Date.now() < deadline) {
    await sleep(300);
    try {
      await pb.backups.getFullList({ headers: { Authorization: token }, requestKey: null });
    } catch (err) {
      if (!err.status) sawDown = true;
      else if (err.status === 401 || err.status === 403) {
        firstGone = firstGone || Date.now();
        if (sawDown || Date.now() - firstGone > 5000) return true;
      }
    }
  }
  return false;
}

export function RestoreFromBackup({ token, busy, setBusy }) {
  const [backups, setBackups] = useState([]);
  const [status, setStatus] = useState("");
  const [error, setError] = useState("");
  const fileInput = useRef(null);
  const auth = { headers: { Authorization: token }, requestKey: null };

  useEffect(() => {
    pb.backups.getFullList(auth).then(
      (list) => setBackups(list.sort((a, b) => (a.modified < b.modified ? 1 : -1))),
      () => setBackups([]),
    );
  }, [token]);

  async function initialize(name, file) {
    const question = file ? `Do you really want to upload and initialize "${name}"?` : `Do you really want to initialize from "${name}"?`;
    const ok = await confirm({ title: "Initialize from backup", message: warning(file ? "the uploaded backup files" : "the backup files") + " " + question, confirmLabel: "Yes, initialize" });
    if (!ok) return;
    setBusy(true);
    setError("");
    import("./login.js"); // loaded now: the server may be restarting when the page goes there
    try {
      if (file) await pb.backups.upload({ file }, auth);
      await pb.backups.restore(name, auth);
      setStatus("Please wait while extracting the uploaded archive! The server restarts on the restored data.");
      if (!(await restored(token))) {
        setError("The server has not come back on the restored data yet; check its log, then go to the login.");
        return;
      }
      toast("The backup is restored. Sign in with a superuser of the backup.");
      navigate("/login", null, true);
    } catch (err) {
      setError(errorMessage(err, "Failed to initialize from the backup."));
    } finally {
      setBusy(false);
      setStatus("");
    }
  }

  function picked(e) {
    const file = e.target.files && e.target.files[0];
    e.target.value = "";
    if (file) initialize(file.name, file);
  }

  return html`<section class="stack" aria-label="Initialize from backup">
    <hr class="installer-divider"/>
    <${Button} class="btn-block" busy=${busy} onClick=${() => fileInput.current.click()}>Or initialize from backup<//>
    <input ref=${fileInput} type="file" accept=".zip,application/zip" hidden aria-label="Backup file to initialize from" onChange=${picked}/>
    ${backups.length ? html`<p class="muted">Or initialize from a backup already in the data folder:</p>
      <ul class="stack installer-backups" aria-label="Existing backups">${backups.map((b) => html`<li key=${b.key} class="row">
        <span class="grow">${b.key}</span>
        <${Button} busy=${busy} aria-label=${"Initialize from " + b.key} onClick=${() => initialize(b.key, null)}>Initialize<//>
      </li>`)}</ul>` : null}
    ${status ? html`<p class="muted" role="status">${status}</p>` : null}
    ${error ? html`<p class="form-error" role="alert">${error}</p>` : null}
  </section>`;
}
