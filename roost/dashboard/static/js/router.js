// The hash router. PocketBase's dashboard addresses look like `#/collections?collection=posts`;
// `route` holds the current {path, query, hash} and changes on every hashchange. The table of screens
// is routes.js; match() finds the entry for a path and its :params.
import { signal } from "./html.js";

function parse() {
  const hash = window.location.hash;
  const [path, search = ""] = (hash.replace(/^#/, "") || "/").split("?");
  return { path: path.startsWith("/") ? path : "/" + path, query: new URLSearchParams(search), hash };
}

export const route = signal(parse());
window.addEventListener("hashchange", () => { route.value = parse(); });

// go to `path` (e.g. "/collections", with an optional {key: value} query); `replace` keeps the
// history entry, for redirects the user did not ask for
export function navigate(path, query = null, replace = false) {
  const qs = query ? new URLSearchParams(Object.entries(query).filter(([, v]) => v != null && v !== "")).toString() : "";
  const hash = "#" + path + (qs ? "?" + qs : "");
  if (replace) {
    // a redirect is decided on `route`, which lags a navigation until its hashchange event is
    // dispatched: if the address moved meanwhile, the user's navigation wins (and the screen
    // decides again on the new address) rather than being overwritten
    if (window.location.hash !== route.value.hash) return;
    window.history.replaceState(null, "", hash);
    route.value = parse();
  } else if (window.location.hash !== hash) {
    window.location.hash = hash;
  }
}

// "#/collections?collection=x" for an <a href>
export function href(path, query = null) {
  const qs = query ? new URLSearchParams(query).toString() : "";
  return "#" + path + (qs ? "?" + qs : "");
}

// {route, params} of the first entry in `table` whose pattern fits `path`, else null;
// "/pbinstall/:token" binds params.token
export function match(table, path) {
  const parts = path.split("/").filter(Boolean);
  for (const entry of table) {
    const want = entry.path.split("/").filter(Boolean);
    if (want.length !== parts.length) continue;
    const params = {};
    const ok = want.every((seg, i) => {
      if (seg.startsWith(":")) { params[seg.slice(1)] = decodeURIComponent(parts[i]); return true; }
      return seg === parts[i];
    });
    if (ok) return { route: entry, params };
  }
  return null;
}
