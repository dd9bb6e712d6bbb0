// A textarea whose text is shown syntax-highlighted: the textarea (transparent text, visible caret)
// lies over a <pre> of coloured <span class="tok-KIND">s, both in one grid cell so they share size
// and wrapping. The textarea stays the real control (label, focus, selection, autocomplete); the
// <pre> is aria-hidden. No style attributes, so the CSP holds.
//   <CodeTextarea id=${id} value=${v} onInput=${...} .../>   (every prop goes to the textarea)
import { html, useRef } from "../html.js";
import { tokenize } from "../filter-syntax.js";

export function Highlighted({ text }) {
  return tokenize(text || "").map((t, i) => t.kind === "space" || t.kind === "other"
    ? t.text : html`<span key=${i} class=${"tok-" + t.kind}>${t.text}</span>`);
}

export function CodeTextarea({ value, inputRef, class: cls = "", onScroll, ...props }) {
  const pre = useRef(null);
  const own = useRef(null);
  const area = inputRef || own;
  const follow = (e) => {
    // a resized or overflowing textarea scrolls: keep the colours under the letters
    if (pre.current) { pre.current.scrollTop = e.target.scrollTop; pre.current.scrollLeft = e.target.scrollLeft; }
    if (onScroll) onScroll(e);
  };
  // the trailing newline keeps the <pre> as tall as a textarea whose text ends with a line break
  return html`<div class=${"code-input " + cls}>
    <pre class="code-highlight" aria-hidden="true" ref=${pre}><${Highlighted} text=${value}/>${"\n"}</pre>
    <textarea ref=${area} value=${value} onScroll=${follow} ...${props}/>
  </div>`;
}

// the one-line variant for an <input> (the records filter): an input scrolls sideways as the caret
// moves, so the colours follow its scrollLeft after every change of text or caret
export function CodeInput({ value, inputRef, class: cls = "", ...props }) {
  const pre = useRef(null);
  const own = useRef(null);
  const box = inputRef || own;
  const follow = () => { if (pre.current && box.current) pre.current.scrollLeft = box.current.scrollLeft; };
  const chain = (handler) => (e) => { if (handler) handler(e); requestAnimationFrame(follow); };
  return html`<div class=${"code-input code-input-line " + cls}>
    <pre class="code-highlight" aria-hidden="true" ref=${pre}><${Highlighted} text=${value}/></pre>
    <input ref=${box} value=${value} ...${props} onScroll=${follow} onInput=${chain(props.onInput)}
      onKeyUp=${chain(props.onKeyUp)} onClick=${chain(props.onClick)} onSelect=${follow}/>
  </div>`;
}
