// "Logs settings": how long logs are kept and what is logged (settings.logs).
import { html, useState, useEffect } from "../../html.js";
import { pb, errorMessage } from "../../pb.js";
import { toast } from "../../toasts.js";
import { Dialog } from "../../components/dialog.js";
import { Button } from "../../components/button.js";
import { Field, Toggle } from "../../components/field.js";

export function LogsSettings({ open, onClose }) {
  const [logs, setLogs] = useState(null);
  const [errors, setErrors] = useState({});
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (!open) return;
    setErrors({});
    // the form shows once the current settings are in: reopened with the last ones, what is
    // typed before they arrive would be overwritten
    setLogs(null);
    pb.settings.getAll().then((s) => setLogs(s.logs), (err) => toast(errorMessage(err), "error"));
  }, [open]);
  const set = (k, v) => setLogs({ ...logs, [k]: v });
  async function save(e) {
    if (e) e.preventDefault();
    setBusy(true);
    try {
      await pb.settings.update({ logs: { ...logs, maxDays: Number(logs.maxDays), minLevel: Number(logs.minLevel) } });
      toast("Successfully saved logs settings.");
      onClose();
    } catch (err) {
      setErrors(nested(err));
      toast(errorMessage(err), "error");
    } finally {
      setBusy(false);
    }
  }
  return html`<${Dialog} open=${open} title="Logs settings" onClose=${onClose}
    footer=${html`<${Button} onClick=${onClose}>Cancel<//><${Button} kind="primary" busy=${busy} onClick=${save}>Save changes<//>`}>
    ${logs ? html`<form class="stack" onSubmit=${save} novalidate>
      <${Field} label="Max days retention" type="number" min="0" value=${logs.maxDays} error=${errors.maxDays}
        hint="Set to 0 to disable logs persistence." onInput=${(e) => set("maxDays", e.target.value)}/>
      <${Field} label="Min log level" type="number" value=${logs.minLevel} error=${errors.minLevel}
        hint="Logs with level below this are not stored (DEBUG -4, INFO 0, WARN 4, ERROR 8)."
        onInput=${(e) => set("minLevel", e.target.value)}/>
      <${Toggle} label="Enable IP logging" checked=${logs.logIP} onChange=${(v) => set("logIP", v)}/>
      <${Toggle} label="Enable Auth Id logging" checked=${logs.logAuthId} onChange=${(v) => set("logAuthId", v)}/>
    </form>` : html`<p class="loading">Loading…</p>`}
  <//>`;
}

function nested(err) {
  const data = (err.response && err.response.data && err.response.data.logs) || {};
  const out = {};
  for (const [k, v] of Object.entries(data)) if (v && v.message) out[k] = v.message;
  return out;
}
