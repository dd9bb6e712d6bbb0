// Settings > Files storage: uploaded files on the local disk (default) or in an S3 bucket.
import { html } from "../../html.js";
import { Button } from "../../components/button.js";
import { useSettings } from "./use-settings.js";
import { S3Fields } from "./s3-fields.js";

export default function Storage() {
  const s = useSettings();
  const d = s.draft;
  if (!d) return html`<p class="loading">Loading…</p>`;
  const save = (ev) => { ev.preventDefault(); s.save(["s3"], "Successfully saved files storage settings."); };
  return html`<form class="panel stack" onSubmit=${save} novalidate>
    <p class="muted">By default uploaded files are stored in the local <code>storage</code> folder. Files already
      uploaded are not moved when you switch.</p>
    <${S3Fields} s3=${d.s3} path="s3" set=${s.set} errors=${s.errors} filesystem="storage" toggleLabel="Use S3 storage"/>
    <div class="form-actions"><${Button} type="submit" kind="primary" busy=${s.busy}>Save changes<//></div>
  </form>`;
}
