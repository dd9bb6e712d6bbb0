// The two page frames: AppLayout (the sidebar of sections, the signed-in superuser and Logout,
// then the screen) and BareLayout (a centred card for login, installer and the email links).
import { html } from "./html.js";
import { routes } from "./routes.js";
import { route } from "./router.js";
import { auth, logout } from "./pb.js";
import { Icon } from "./components/icon.js";

export function AppLayout({ children }) {
  const current = route.value.path;
  const nav = routes.filter((r) => r.nav);
  return html`<div class="app">
    <a class="skip-link" href="#main" onClick=${(e) => { e.preventDefault(); document.getElementById("main").focus(); }}>Skip to content</a>
    <nav class="app-nav" aria-label="Main">
      <a class="logo" href="#/collections" aria-label="Roost"><span class="logo-mark" aria-hidden="true">R</span></a>
      <ul>
        ${nav.map((r) => {
          const active = current === r.path || current.startsWith(r.path + "/");
          return html`<li><a href=${"#" + r.path} class=${active ? "active" : ""} aria-current=${active ? "page" : null} title=${r.nav}>
            <${Icon} name=${r.icon}/><span class="nav-label">${r.nav}</span></a></li>`;
        })}
      </ul>
      <div class="nav-foot">
        <a class="nav-ext" href="/api/docs" target="_blank" rel="noopener" title="API docs (OpenAPI)">API docs</a>
        <a class="nav-ext" href="/api/graphql" target="_blank" rel="noopener" title="GraphQL explorer (GraphiQL)">GraphQL</a>
        <span class="nav-user" title=${auth.value ? auth.value.email : ""}>${auth.value ? auth.value.email : ""}</span>
        <button type="button" class="btn btn-link" onClick=${() => { logout(); window.location.hash = "#/login"; }}>Logout</button>
      </div>
    </nav>
    <main id="main" class="app-main" tabindex="-1">${children}</main>
  </div>`;
}

export function BareLayout({ children }) {
  return html`<main id="main" class="bare"><div class="card">
    <div class="bare-logo" aria-hidden="true"><span class="logo-mark">R</span> Roost</div>
    ${children}
  </div></main>`;
}
