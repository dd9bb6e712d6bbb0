// The API rules tab: one editor per rule with syntax colours and autocomplete, and the "Set
// superusers only" / "Unlock and set custom rule" switch (null = superusers only, "" = everyone,
// else a filter).
import { html, useState, useRef, useId } from "../../html.js";
import { collections } from "../../collections-store.js";
import { CodeTextarea } from "../../components/code-textarea.js";
import { ruleVocabulary, wordAt, suggest } from "./rule-suggestions.js";

export const RULES = [
  { key: "listRule", label: "List/Search rule" },
  { key: "viewRule", label: "View rule" },
  { key: "createRule", label: "Create rule", notView: true },
  { key: "updateRule", label: "Update rule", notView: true },
  { key: "deleteRule", label: "Delete rule", notView: true },
];
export const AUTH_RULES = [
  { key: "authRule", label: "Authentication rule", hint: "Additional filter every login must pass; empty allows all." },
  { key: "manageRule", label: "Manage rule", hint: "Who may change other users' email, password and verified state." },
];

function RuleEditor({ label, hint, value, onChange, vocabulary }) {
  const id = useId();
  const area = useRef(null);
  const [items, setItems] = useState([]);
  const [active, setActive] = useState(0);
  const locked = value === null;

  const refresh = () => {
    const el = area.current;
    const [, word] = wordAt(el.value, el.selectionStart);
    setItems(suggest(vocabulary, word));
    setActive(0);
  };
  const accept = (choice) => {
    const el = area.current;
    const [start] = wordAt(el.value, el.selectionStart);
    const next = el.value.slice(0, start) + choice + el.value.slice(el.selectionStart);
    // the text and its caret change now, not after the next render: keys typed right after
    // the pick must land after the picked text
    el.value = next;
    el.focus();
    el.setSelectionRange(start + choice.length, start + choice.length);
    onChange(next);
    setItems([]);
  };
  const keys = (e) => {
    if (!items.length) return;
    if (e.key === "ArrowDown") { e.preventDefault(); setActive((active + 1) % items.length); }
    else if (e.key === "ArrowUp") { e.preventDefault(); setActive((active - 1 + items.length) % items.length); }
    else if (e.key === "Enter" || e.key === "Tab") { e.preventDefault(); accept(items[active]); }
    else if (e.key === "Escape") { e.preventDefault(); e.stopPropagation(); setItems([]); }
  };

  return html`<div class=${"rule" + (locked ? " locked" : "")}>
    <div class="rule-head">
      <label for=${id}>${label}</label>
      ${locked
        ? html`<button type="button" class="btn btn-sm btn-secondary" onClick=${() => onChange("")}>Unlock and set custom rule</button>`
        : html`<button type="button" class="btn btn-sm btn-secondary" onClick=${() => { onChange(null); setItems([]); }}>Set superusers only</button>`}
    </div>
    <${CodeTextarea} id=${id} inputRef=${area} rows="2" spellcheck="false" disabled=${locked}
      value=${locked ? "" : value} placeholder=${locked ? "Superusers only" : "Leave empty to grant everyone access..."}
      role="combobox" aria-autocomplete="list" aria-expanded=${items.length ? "true" : "false"} aria-controls=${id + "-list"}
      aria-activedescendant=${items.length ? id + "-opt-" + active : null}
      onInput=${(e) => { onChange(e.target.value); refresh(); }} onKeyDown=${keys} onClick=${refresh}
      onBlur=${() => setTimeout(() => setItems([]), 150)}/>
    ${hint ? html`<small class="hint">${hint}</small>` : null}
    ${items.length ? html`<ul class="suggestions" role="listbox" id=${id + "-list"} aria-label=${label + " suggestions"}>
      ${items.map((it, i) => html`<li id=${id + "-opt-" + i} role="option" aria-selected=${i === active ? "true" : "false"}
        onMouseDown=${(e) => { e.preventDefault(); accept(it); }}>${it}</li>`)}</ul>` : null}
  </div>`;
}

export function RulesEditor({ draft, set }) {
  const vocabulary = ruleVocabulary(draft, collections.value.filter((c) => c.id !== draft.id).concat([draft]));
  const rules = RULES.filter((r) => !(draft.type === "view" && r.notView)).concat(draft.type === "auth" ? AUTH_RULES : []);
  return html`<div class="stack">
    <p class="muted">All rules follow the PocketBase filter syntax and operators. Type <code>@</code> for request and collection macros.</p>
    ${rules.map((r) => html`<${RuleEditor} key=${r.key} label=${r.label} hint=${r.hint} value=${draft[r.key] ?? null}
      vocabulary=${vocabulary} onChange=${(v) => set({ [r.key]: v })}/>`)}
  </div>`;
}
