// #/settings (and #/settings/:section): application settings. The other sections (mail, files
// storage, backups, crons, export/import, API keys...) are added as entries of SECTIONS.
import { html, useState, useEffect } from "../html.js";
import { pb, errorMessage, fieldErrors } from "../pb.js";
import { toast } from "../toasts.js";
import { Field } from "../components/field.js";
import { Button } from "../components/button.js";

export const SECTIONS = [{ id: "application", label: "Application" }];

function Application() {
  const [meta, setMeta] = useState(null);
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState({});
  useEffect(() => {
    pb.settings.getAll().then((s) => setMeta({ appName: s.meta.appName, appURL: s.meta.appURL }),
      (err) => toast(errorMessage(err), "error"));
  }, []);
  if (!meta) return html`<p class="loading">Loading…</p>`;
  async function save(e) {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    try {
      await pb.settings.update({ meta });
      toast("Successfully saved application settings.");
    } catch (err) {
      const errs = fieldErrors(err);
      setErrors(errs.meta ? {} : errs);
      toast(errorMessage(err), "error");
    } finally {
      setBusy(false);
    }
  }
  return html`<form class="panel stack" onSubmit=${save} novalidate>
    <${Field} label="Application name" value=${meta.appName} required error=${errors.appName}
      onInput=${(e) => setMeta({ ...meta, appName: e.target.value })}/>
    <${Field} label="Application URL" type="url" value=${meta.appURL} required error=${errors.appURL}
      onInput=${(e) => setMeta({ ...meta, appURL: e.target.value })}/>
    <div class="form-actions"><${Button} type="submit" kind="primary" busy=${busy}>Save changes<//></div>
  </form>`;
}

export default function Settings({ params }) {
  const section = params.section || "application";
  return html`<section class="page page-with-aside">
    <nav class="page-aside" aria-label="Settings">
      <ul>${SECTIONS.map((s) => html`<li><a href=${"#/settings/" + s.id} class=${s.id === section ? "active" : ""}
        aria-current=${s.id === section ? "page" : null}>${s.label}</a></li>`)}</ul>
    </nav>
    <div class="page-body">
      <header class="page-head"><h1>Settings</h1></header>
      ${section === "application" ? html`<${Application}/>` : html`<p class="muted">Unknown settings section.</p>`}
    </div>
  </section>`;
}
