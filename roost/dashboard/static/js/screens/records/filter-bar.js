// The records filter: a PocketBase filter expression with autocomplete of the collection's fields
// (a relation's fields one level down), macros and, after a field, the operators; the last filters
// used on this collection are offered while the box is empty.
import { html, useState, useRef, useId } from "../../html.js";
import { collections } from "../../collections-store.js";
import { ruleVocabulary, wordAt, suggest } from "../collections/rule-suggestions.js";
import { CodeInput } from "../../components/code-textarea.js";

const OPERATORS = ["=", "!=", ">", ">=", "<", "<=", "~", "!~", "?=", "?!=", "?>", "?>=", "?<", "?<=", "?~", "?!~"];
const HISTORY_MAX = 10;
const historyKey = (coll) => "roost_records_filters_" + coll.id;

export function filterHistory(coll) {
  try { return JSON.parse(window.localStorage.getItem(historyKey(coll)) || "[]"); } catch (e) { return []; }
}

function remember(coll, filter) {
  if (!filter) return;
  const next = [filter, ...filterHistory(coll).filter((f) => f !== filter)].slice(0, HISTORY_MAX);
  window.localStorage.setItem(historyKey(coll), JSON.stringify(next));
}

function choicesAt(text, caret, vocabulary, coll) {
  if (!text.trim()) return { items: filterHistory(coll), replace: [0, text.length] };
  const [start, word] = wordAt(text, caret);
  if (word) return { items: suggest(vocabulary, word), replace: [start, caret] };
  // after "field " offer the operators
  const before = text.slice(0, caret).trimEnd();
  const [, last] = wordAt(before, before.length);
  if (last && text[caret - 1] === " " && vocabulary.includes(last)) {
    return { items: OPERATORS.map((o) => o + " "), replace: [caret, caret] };
  }
  return { items: [], replace: [caret, caret] };
}

export function FilterBar({ coll, value, onApply }) {
  const id = useId();
  const box = useRef(null);
  const [text, setText] = useState(value);
  const [menu, setMenu] = useState({ items: [], replace: [0, 0] });
  const [active, setActive] = useState(0);
  const vocabulary = ruleVocabulary(coll, collections.value);

  const refresh = () => {
    const el = box.current;
    setMenu(choicesAt(el.value, el.selectionStart, vocabulary, coll));
    setActive(0);
  };
  const close = () => setMenu({ items: [], replace: [0, 0] });
  const accept = (choice) => {
    const el = box.current;
    const [from, to] = menu.replace;
    const next = el.value.slice(0, from) + choice + el.value.slice(to);
    // the box and its caret change now, not after the next render: keys typed right after the
    // pick must land after the picked text
    el.value = next;
    el.focus();
    el.setSelectionRange(from + choice.length, from + choice.length);
    setText(next);
    close();
  };
  const apply = (e) => {
    e.preventDefault();
    const filter = text.trim();
    remember(coll, filter);
    close();
    onApply(filter);
  };
  const keys = (e) => {
    const items = menu.items;
    if (!items.length) return;
    if (e.key === "ArrowDown") { e.preventDefault(); setActive((active + 1) % items.length); }
    else if (e.key === "ArrowUp") { e.preventDefault(); setActive((active - 1 + items.length) % items.length); }
    else if (e.key === "Tab" || (e.key === "Enter" && items[active] !== text)) { e.preventDefault(); accept(items[active]); }
    else if (e.key === "Escape") { e.preventDefault(); e.stopPropagation(); close(); }
  };
  const items = menu.items;
  return html`<form class="filter-bar rule" role="search" onSubmit=${apply}>
    <${CodeInput} id=${id} inputRef=${box} type="text" class="mono" spellcheck="false" autocomplete="off" value=${text}
      aria-label="Search term or filter" placeholder=${'Search term or filter like created > "2022-01-01"...'}
      role="combobox" aria-autocomplete="list" aria-expanded=${items.length ? "true" : "false"} aria-controls=${id + "-list"}
      aria-activedescendant=${items.length ? id + "-opt-" + active : null}
      onInput=${(e) => { setText(e.target.value); refresh(); }} onKeyDown=${keys} onFocus=${refresh} onClick=${refresh}
      onBlur=${() => setTimeout(close, 150)}/>
    ${value ? html`<button type="button" class="btn btn-sm btn-secondary" onClick=${() => { setText(""); onApply(""); }}>Clear</button>` : null}
    <button type="submit" class="btn btn-sm btn-primary">Search</button>
    ${items.length ? html`<ul class="suggestions" role="listbox" id=${id + "-list"} aria-label="Filter suggestions">
      ${items.map((it, i) => html`<li id=${id + "-opt-" + i} role="option" aria-selected=${i === active ? "true" : "false"}
        onMouseDown=${(e) => { e.preventDefault(); accept(it); }}>${it}</li>`)}</ul>` : null}
  </form>`;
}
