// The screens registry: one entry per address. To add a screen, add an entry here and a module
// under screens/ whose default export is a component receiving {params, query}.
//   path:    "/name/:param" (matched against the part of the hash before "?")
//   load:    () => import(...) (screens load on first visit, keeping the first load small)
//   access:  "superuser" (redirects to #/login when signed out), "guest" (redirects signed-in
//            superusers to #/collections) or "any"
//   layout:  "app" (sidebar + page) or "bare" (a centred card: login, installer, email links)
//   nav:     a label to list the screen in the sidebar (the order here is the sidebar's order)
export const routes = [
  { path: "/collections", load: () => import("./screens/collections.js"), access: "superuser", layout: "app", nav: "Collections", icon: "db" },
  { path: "/collections/relations", load: () => import("./screens/relations.js"), access: "superuser", layout: "app" },
  { path: "/logs", load: () => import("./screens/logs.js"), access: "superuser", layout: "app", nav: "Logs", icon: "logs" },
  { path: "/settings", load: () => import("./screens/settings.js"), access: "superuser", layout: "app", nav: "Settings", icon: "gear" },
  { path: "/settings/:section", load: () => import("./screens/settings.js"), access: "superuser", layout: "app" },
  { path: "/login", load: () => import("./screens/login.js"), access: "guest", layout: "bare" },
  { path: "/request-password-reset", load: () => import("./screens/password-reset.js"), access: "guest", layout: "bare" },
  // PocketBase prints "#/pbinstal/..." (one l); both spellings open the installer
  { path: "/pbinstall/:token", load: () => import("./screens/installer.js"), access: "any", layout: "bare" },
  { path: "/pbinstal/:token", load: () => import("./screens/installer.js"), access: "any", layout: "bare" },
  // the pages PocketBase's default emails and OAuth2 redirects link to
  { path: "/auth/confirm-verification/:token", load: () => import("./screens/auth-links.js"), access: "any", layout: "bare", page: "confirm-verification" },
  { path: "/auth/confirm-password-reset/:token", load: () => import("./screens/auth-links.js"), access: "any", layout: "bare", page: "confirm-password-reset" },
  { path: "/auth/confirm-email-change/:token", load: () => import("./screens/auth-links.js"), access: "any", layout: "bare", page: "confirm-email-change" },
  { path: "/auth/oauth2-redirect-success", load: () => import("./screens/auth-links.js"), access: "any", layout: "bare", page: "oauth2-redirect-success" },
  { path: "/auth/oauth2-redirect-failure", load: () => import("./screens/auth-links.js"), access: "any", layout: "bare", page: "oauth2-redirect-failure" },
];

// where "#/" and unknown addresses lead
export const HOME = "/collections";
