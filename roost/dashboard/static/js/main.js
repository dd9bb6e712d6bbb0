// The entry point: mounts <App/>, which picks the screen for the current address (routes.js),
// guards it (superuser screens need a signed-in superuser), loads its module and puts it in its layout.
import { html, render, signal } from "./html.js";
import { route, match, navigate } from "./router.js";
import { routes, HOME } from "./routes.js";
import { isSuperuser } from "./pb.js";
import { AppLayout, BareLayout } from "./layout.js";
import { Toasts } from "./toasts.js";
import { ConfirmHost } from "./components/confirm.js";

const loaded = new Map(); // route entry -> screen component, once its module is loaded
const loadedTick = signal(0); // bumped when a module arrives, so App renders it

function load(entry) {
  if (loaded.has(entry)) return loaded.get(entry);
  loaded.set(entry, null);
  entry.load().then(
    (mod) => { loaded.set(entry, mod.default); loadedTick.value++; },
    (err) => { loaded.delete(entry); console.error(err); loadedTick.value++; },
  );
  return null;
}

function App() {
  loadedTick.value; // subscribe
  const { path, query } = route.value;
  const found = match(routes, path);
  if (!found) {
    queueMicrotask(() => navigate(isSuperuser.value ? HOME : "/login", null, true));
    return null;
  }
  const { route: entry, params } = found;
  if (entry.access === "superuser" && !isSuperuser.value) {
    queueMicrotask(() => navigate("/login", null, true));
    return null;
  }
  if (entry.access === "guest" && isSuperuser.value) {
    queueMicrotask(() => navigate(HOME, null, true));
    return null;
  }
  const Screen = load(entry);
  const body = Screen ? html`<${Screen} params=${params} query=${query} route=${entry}/>` : html`<p class="loading">Loading…</p>`;
  const Layout = entry.layout === "bare" ? BareLayout : AppLayout;
  return html`<${Layout} active=${entry}>${body}<//><${Toasts}/><${ConfirmHost}/>`;
}

const root = document.getElementById("app");
root.textContent = ""; // the "Loading…" placeholder: render() would keep it beside the app
render(html`<${App}/>`, root);
