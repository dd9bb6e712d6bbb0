// The collections every screen shares: loaded once after login and refreshed after each schema
// change (loadCollections()). Pinned collections are kept per browser in localStorage.
import { signal, computed } from "./html.js";
import { pb } from "./pb.js";

export const collections = signal([]);
export const collectionsLoaded = signal(false);
const PIN_KEY = "roost_pinned_collections";
export const pinned = signal(readPins());

function readPins() {
  try { return JSON.parse(window.localStorage.getItem(PIN_KEY) || "[]"); } catch (e) { return []; }
}

export function togglePin(id) {
  const next = pinned.value.includes(id) ? pinned.value.filter((p) => p !== id) : [...pinned.value, id];
  pinned.value = next;
  window.localStorage.setItem(PIN_KEY, JSON.stringify(next));
}

export async function loadCollections() {
  const list = await pb.collections.getFullList({ sort: "name" });
  collections.value = list;
  collectionsLoaded.value = true;
  return list;
}

export const byName = computed(() => new Map(collections.value.map((c) => [c.name, c])));
export const byId = computed(() => new Map(collections.value.map((c) => [c.id, c])));
