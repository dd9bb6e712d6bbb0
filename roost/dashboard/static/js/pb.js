// The one API client every screen shares: the official PocketBase JS SDK, talking to this origin.
// The session lives in the SDK's authStore (localStorage "pocketbase_auth"); `auth` mirrors it as a
// signal so the layout and the router re-render on login and logout.
import PocketBase from "../vendor/pocketbase.js";
import { signal, computed } from "./html.js";

export const pb = new PocketBase(window.location.origin);
// the dashboard's own requests are never cancelled by a newer one of the same kind
pb.autoCancellation(false);

export const auth = signal(pb.authStore.record);
pb.authStore.onChange((_token, record) => { auth.value = record; });

// true while a superuser is signed in (the only kind of account the dashboard is for)
export const isSuperuser = computed(() => !!auth.value && pb.authStore.isSuperuser);

export function logout() {
  pb.authStore.clear();
  pb.realtime.unsubscribe().catch(() => {});
}

// "message" of an SDK ClientResponseError, or a fallback a person can act on
export function errorMessage(err, fallback = "Something went wrong.") {
  if (err && err.isAbort) return "";
  return (err && err.response && err.response.message) || (err && err.message) || fallback;
}

// {field: message} from a 400's data, for the form fields
export function fieldErrors(err) {
  const out = {};
  const data = (err && err.response && err.response.data) || {};
  for (const [key, val] of Object.entries(data)) {
    if (val && typeof val.message === "string") out[key] = val.message;
  }
  return out;
}
