// Settings > Backups: the backups list (download, restore, delete), "Initialize new backup",
// "Upload backup", and the options: auto backups on a cron schedule and S3 storage for backups.
import { html, useState, useEffect, useRef } from "../../html.js";
import { pb, errorMessage } from "../../pb.js";
import { toast } from "../../toasts.js";
import { confirm } from "../../components/confirm.js";
import { Field, Toggle } from "../../components/field.js";
import { Button } from "../../components/button.js";
import { Dialog } from "../../components/dialog.js";
import { useSettings } from "./use-settings.js";
import { S3Fields } from "./s3-fields.js";

function size(bytes) {
  if (bytes < 1024) return bytes + " B";
  if (bytes < 1024 * 1024) return (bytes / 1024).toFixed(1) + " KB";
  return (bytes / 1024 / 1024).toFixed(1) + " MB";
}

function NewBackup({ open, onClose, onCreated }) {
  const [name, setName] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  async function create(e) {
    if (e) e.preventDefault();
    setBusy(true);
    setError("");
    try {
      await pb.backups.create(name.trim() ? (name.trim().endsWith(".zip") ? name.trim() : name.trim() + ".zip") : "");
      toast("Successfully generated new backup.");
      setName("");
      onCreated();
      onClose();
    } catch (err) {
      const data = (err.response && err.response.data) || {};
      setError(data.name ? data.name.message : "");
      toast(errorMessage(err), "error");
    } finally {
      setBusy(false);
    }
  }
  return html`<${Dialog} open=${open} title="Initialize new backup" onClose=${onClose}
    footer=${html`<${Button} onClick=${onClose}>Cancel<//><${Button} kind="primary" busy=${busy} onClick=${create}>Start backup<//>`}>
    <form class="stack" onSubmit=${create} novalidate>
      <p class="muted">The app is briefly read-only while the backup is written. Files are included.</p>
      <${Field} label="Backup name" placeholder="Leave empty to autogenerate" value=${name} error=${error}
        hint="Only letters, digits, _ and - ; ends with .zip" onInput=${(e) => setName(e.target.value)}/>
    </form>
  <//>`;
}

function BackupOptions() {
  const s = useSettings();
  const d = s.draft;
  if (!d) return null;
  const b = d.backups;
  const save = (ev) => {
    ev.preventDefault();
    s.save(["backups"], "Successfully saved backup settings.", (body) => ({ backups: { ...body.backups, cronMaxKeep: Number(body.backups.cronMaxKeep) } }));
  };
  return html`<form class="panel stack" onSubmit=${save} novalidate aria-label="Backups options">
    <h2>Backups options</h2>
    <${Toggle} label="Enable auto backups" checked=${!!b.cron} onChange=${(v) => s.set("backups.cron", v ? "0 0 * * *" : "")}/>
    ${b.cron ? html`<div class="grid-2">
      <${Field} label="Cron expression" required value=${b.cron} error=${s.errors["backups.cron"]}
        hint="e.g. 0 0 * * * (every day at 00:00 UTC), 0 0 * * 0 (every Sunday)" onInput=${(ev) => s.set("backups.cron", ev.target.value)}/>
      <${Field} label="Max @auto backups to keep" type="number" min="1" required value=${b.cronMaxKeep} error=${s.errors["backups.cronMaxKeep"]}
        onInput=${(ev) => s.set("backups.cronMaxKeep", ev.target.value)}/>
    </div>` : null}
    <${S3Fields} s3=${b.s3} path="backups.s3" set=${s.set} errors=${s.errors} filesystem="backups" toggleLabel="Store backups in S3 storage"/>
    <div class="form-actions"><${Button} type="submit" kind="primary" busy=${s.busy}>Save changes<//></div>
  </form>`;
}

export default function Backups() {
  const [items, setItems] = useState(null);
  const [creating, setCreating] = useState(false);
  const [uploading, setUploading] = useState(false);
  const fileInput = useRef(null);
  const load = () => pb.backups.getFullList().then(
    (list) => setItems(list.sort((a, b) => (a.modified < b.modified ? 1 : -1))),
    (err) => { setItems([]); toast(errorMessage(err), "error"); });
  useEffect(() => { load(); }, []);

  async function download(key) {
    try {
      const token = await pb.files.getToken();
      const a = document.createElement("a");
      a.href = pb.backups.getDownloadURL(token, key);
      a.download = key;
      document.body.appendChild(a);
      a.click();
      a.remove();
    } catch (err) {
      toast(errorMessage(err), "error");
    }
  }
  async function remove(key) {
    if (!(await confirm({ title: "Delete backup", message: `Do you really want to delete ${key}?`, confirmLabel: "Delete" }))) return;
    try {
      await pb.backups.delete(key);
      toast(`Successfully deleted ${key}.`);
      load();
    } catch (err) {
      toast(errorMessage(err), "error");
    }
  }
  async function restore(key) {
    const ok = await confirm({
      title: "Restore backup",
      message: `Restore ${key}? The current data is replaced by the backup's and the app restarts; requests fail for a moment.`,
      confirmLabel: "Restore backup",
    });
    if (!ok) return;
    try {
      await pb.backups.restore(key);
      toast("Restoring the backup; the app restarts and the page reloads.");
      setTimeout(() => window.location.reload(), 3000);
    } catch (err) {
      toast(errorMessage(err), "error");
    }
  }
  async function upload(e) {
    const file = e.target.files && e.target.files[0];
    if (!file) return;
    setUploading(true);
    try {
      await pb.backups.upload({ file });
      toast(`Successfully uploaded ${file.name}.`);
      load();
    } catch (err) {
      toast(errorMessage(err), "error");
    } finally {
      setUploading(false);
      e.target.value = "";
    }
  }

  return html`<div class="stack">
    <div class="panel stack">
      <div class="row">
        <h2 class="grow">Backups</h2>
        <${Button} onClick=${load}>Refresh<//>
        <${Button} busy=${uploading} onClick=${() => fileInput.current.click()}>Upload backup<//>
        <input ref=${fileInput} type="file" accept=".zip,application/zip" hidden aria-label="Backup file to upload" onChange=${upload}/>
        <${Button} kind="primary" onClick=${() => setCreating(true)}>Initialize new backup<//>
      </div>
      ${items === null ? html`<p class="loading">Loading…</p>` : items.length === 0 ? html`<p class="muted">No backups yet.</p>` : html`
      <div class="table-wrap"><table class="table" aria-label="Backups">
        <thead><tr><th scope="col">Name</th><th scope="col">Size</th><th scope="col">Modified</th><th scope="col" aria-label="Actions"></th></tr></thead>
        <tbody>${items.map((b) => html`<tr key=${b.key}>
          <td><code>${b.key}</code></td><td class="nowrap">${size(b.size)}</td><td class="nowrap">${b.modified}</td>
          <td class="nowrap">
            <${Button} class="btn-sm" aria-label=${"Download " + b.key} onClick=${() => download(b.key)}>Download<//>
            <${Button} class="btn-sm" aria-label=${"Restore " + b.key} onClick=${() => restore(b.key)}>Restore<//>
            <${Button} class="btn-sm" kind="danger" aria-label=${"Delete " + b.key} onClick=${() => remove(b.key)}>Delete<//>
          </td></tr>`)}</tbody>
      </table></div>`}
    </div>
    <${BackupOptions}/>
    <${NewBackup} open=${creating} onClose=${() => setCreating(false)} onCreated=${load}/>
  </div>`;
}
