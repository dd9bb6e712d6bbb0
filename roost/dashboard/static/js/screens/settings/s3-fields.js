// The S3 fields shared by Files storage and Backups (settings.s3, settings.backups.s3), with
// "Test connection" (POST /api/settings/test/s3 for "storage" or "backups").
import { html, useState } from "../../html.js";
import { pb, errorMessage } from "../../pb.js";
import { toast } from "../../toasts.js";
import { Field, Toggle } from "../../components/field.js";
import { Button } from "../../components/button.js";

export function S3Fields({ s3, path, set, errors, filesystem, toggleLabel }) {
  const [testing, setTesting] = useState(false);
  const [result, setResult] = useState(null);
  const e = (k) => errors[path + "." + k];
  const input = (k, label, extra = {}) => html`<${Field} label=${label} value=${s3[k] || ""} error=${e(k)}
    onInput=${(ev) => set(path + "." + k, ev.target.value)} ...${extra}/>`;
  async function test() {
    setTesting(true);
    setResult(null);
    try {
      await pb.settings.testS3(filesystem);
      setResult({ ok: true, message: "S3 connected successfully." });
    } catch (err) {
      setResult({ ok: false, message: errorMessage(err) });
    } finally {
      setTesting(false);
    }
  }
  return html`<div class="stack">
    <${Toggle} label=${toggleLabel} checked=${s3.enabled} onChange=${(v) => set(path + ".enabled", v)}/>
    ${s3.enabled ? html`<div class="grid-2">
      ${input("endpoint", "Endpoint", { required: true })}
      ${input("bucket", "Bucket", { required: true })}
      ${input("region", "Region", { required: true })}
      ${input("accessKey", "Access key", { required: true })}
      ${input("secret", "Secret", { type: "password", autocomplete: "new-password", hint: "Leave empty to keep the current secret" })}
    </div>
    <${Toggle} label="Force path-style addressing" checked=${s3.forcePathStyle} onChange=${(v) => set(path + ".forcePathStyle", v)}/>` : null}
    ${s3.enabled ? html`<div class="row">
      <${Button} busy=${testing} onClick=${test}>Test connection<//>
      <small class="hint">tests the saved settings</small>
      ${result ? html`<span role="status" class=${result.ok ? "" : "field-error"}>${result.message}</span>` : null}
    </div>` : null}
  </div>`;
}
