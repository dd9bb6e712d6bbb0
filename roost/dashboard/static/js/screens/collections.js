// #/collections?collection=NAME: the collections sidebar (search, pinned, System group, "New
// collection") and the selected collection's page. The page is screens/collections/page.js
// (the Records screen takes it over); the create/edit panel is screens/collections/editor.js.
import { html, useState, useEffect } from "../html.js";
import { navigate, route } from "../router.js";
import { errorMessage } from "../pb.js";
import { toast } from "../toasts.js";
import { collections, collectionsLoaded, loadCollections, pinned, togglePin } from "../collections-store.js";
import { Icon } from "../components/icon.js";
import { CollectionPage } from "./collections/page.js";
import { CollectionEditor } from "./collections/editor.js";

function Sidebar({ current, onNew }) {
  const [search, setSearch] = useState("");
  const [showSystem, setShowSystem] = useState(false);
  const needle = search.trim().toLowerCase();
  const list = collections.value.filter((c) => !needle || c.name.toLowerCase().includes(needle));
  const pins = list.filter((c) => pinned.value.includes(c.id));
  const others = list.filter((c) => !c.system && !pinned.value.includes(c.id));
  const system = list.filter((c) => c.system && !pinned.value.includes(c.id));
  const item = (c) => html`<li key=${c.id} class="coll-item">
    <a href=${"#/collections?collection=" + encodeURIComponent(c.name)} class=${"aside-item" + (current && current.id === c.id ? " active" : "")}
      aria-current=${current && current.id === c.id ? "page" : null}>${c.type === "auth" ? "👤 " : c.type === "view" ? "▦ " : ""}${c.name}</a>
    <button type="button" class="btn-icon" onClick=${() => togglePin(c.id)}
      aria-label=${(pinned.value.includes(c.id) ? "Unpin " : "Pin ") + c.name} aria-pressed=${pinned.value.includes(c.id) ? "true" : "false"}>
      <${Icon} name="pin" size=${14}/></button>
  </li>`;
  return html`<nav class="page-aside" aria-label="Collections">
    <input type="search" class="coll-search" placeholder="Search collections..." aria-label="Search collections"
      value=${search} onInput=${(e) => setSearch(e.target.value)}/>
    ${pins.length ? html`<p class="aside-group">Pinned</p><ul>${pins.map(item)}</ul>` : null}
    ${pins.length && others.length ? html`<p class="aside-group">Others</p>` : null}
    <ul>${others.map(item)}</ul>
    ${system.length ? html`<button type="button" class="btn btn-link aside-group" aria-expanded=${showSystem || needle ? "true" : "false"}
      onClick=${() => setShowSystem(!showSystem)}>System</button>
      ${showSystem || needle ? html`<ul>${system.map(item)}</ul>` : null}` : null}
    ${!list.length && needle ? html`<p class="muted">No collections found.</p>` : null}
    <button type="button" class="btn btn-secondary" onClick=${onNew}><${Icon} name="plus" size=${14}/> New collection</button>
    <a class="btn btn-link" href="#/collections/relations">Relations overview</a>
  </nav>`;
}

export default function Collections({ query }) {
  // null, or {collection, key}: the editor's subject (a collection without id is created)
  const [editing, setEditing] = useState(null);
  const edit = (collection) => setEditing({ collection, key: Math.random() });
  useEffect(() => {
    loadCollections().catch((err) => toast(errorMessage(err, "Failed to load the collections."), "error"));
  }, []);
  const name = query.get("collection");
  const all = collections.value;
  const current = all.find((c) => c.name === name || c.id === name) || null;
  useEffect(() => {
    // no (or an unknown) collection in the address: open the first non-system one, as PocketBase
    // re-read the address: effects run after paint, and the user may have moved on since
    if (route.value.path !== "/collections") return; // left for another screen meanwhile
    const wanted = route.value.query.get("collection");
    const known = (list) => list.some((c) => c.name === wanted || c.id === wanted);
    if (!collectionsLoaded.value || !all.length || known(all)) return;
    const openFirst = () => {
      const now = route.value;
      if (now.path !== "/collections" || now.query.get("collection") !== wanted) return;
      const list = collections.value;
      if (known(list)) return;
      const first = list.find((c) => !c.system) || list[0];
      if (first) navigate("/collections", { collection: first.name }, true);
    };
    // a collection made elsewhere since the list was loaded (the API, another tab): look again
    // before giving up on the address
    if (wanted) loadCollections().then(openFirst, openFirst);
    else openFirst();
  }, [collectionsLoaded.value, name, all.length]);

  const saved = (coll) => {
    setEditing(null);
    loadCollections().then(() => coll && navigate("/collections", { collection: coll.name }, true));
  };
  return html`<div class="page page-with-aside">
    <${Sidebar} current=${current} onNew=${() => edit(null)}/>
    <div class="page-body">
      ${current ? html`<${CollectionPage} collection=${current} onEdit=${() => edit(current)}/>`
        : collectionsLoaded.value ? html`<p class="muted">No collections yet.</p>` : html`<p class="loading">Loading…</p>`}
    </div>
    ${editing ? html`<${CollectionEditor} key=${editing.key} collection=${editing.collection}
      onClose=${() => setEditing(null)} onSaved=${saved} onDuplicate=${edit}/>` : null}
  </div>`;
}
