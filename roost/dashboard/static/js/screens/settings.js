// #/settings (and #/settings/:section): each section is an entry of SECTIONS whose module (under
// screens/settings/) loads on first visit; its default export is the section's panel.
import { html, useState, useEffect } from "../html.js";

export const SECTIONS = [
  { id: "application", label: "Application", load: () => import("./settings/application.js") },
  { id: "mail", label: "Mail settings", load: () => import("./settings/mail.js") },
  { id: "storage", label: "Files storage", load: () => import("./settings/storage.js") },
  { id: "backups", label: "Backups", load: () => import("./settings/backups.js") },
  { id: "crons", label: "Crons", load: () => import("./settings/crons.js") },
  { id: "export-collections", label: "Export collections", load: () => import("./settings/export.js") },
  { id: "import-collections", label: "Import collections", load: () => import("./settings/import.js") },
  { id: "sql", label: "SQL console", load: () => import("./settings/sql.js") },
  { id: "api-keys", label: "API keys", load: () => import("./settings/keys.js") },
];

function useSection(section) {
  const [loaded, setLoaded] = useState(null);
  useEffect(() => {
    if (!section) return;
    let live = true;
    setLoaded(null);
    section.load().then((m) => { if (live) setLoaded({ id: section.id, Panel: m.default }); });
    return () => { live = false; };
  }, [section && section.id]);
  return loaded && section && loaded.id === section.id ? loaded.Panel : null;
}

export default function Settings({ params }) {
  const id = params.section || "application";
  const section = SECTIONS.find((s) => s.id === id);
  const Panel = useSection(section);
  return html`<section class="page page-with-aside">
    <nav class="page-aside" aria-label="Settings">
      <ul>${SECTIONS.map((s) => html`<li><a href=${"#/settings/" + s.id} class=${s.id === id ? "active" : ""}
        aria-current=${s.id === id ? "page" : null}>${s.label}</a></li>`)}</ul>
    </nav>
    <div class="page-body">
      <header class="page-head"><h1>${section ? section.label : "Settings"}</h1></header>
      ${!section ? html`<p class="muted">Unknown settings section.</p>` : Panel ? html`<${Panel} key=${id}/>` : html`<p class="loading">Loading…</p>`}
    </div>
  </section>`;
}
