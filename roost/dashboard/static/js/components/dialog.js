// An accessible modal on the native <dialog>: showModal() traps focus and makes the page behind it
// inert, Escape closes it, the title names it, and focus goes back where it was on close.
//   <Dialog open=${open} title="New collection" onClose=${() => setOpen(false)} footer=${buttons}>body</Dialog>
import { html, useEffect, useRef, useId } from "../html.js";

export function Dialog({ open, title, onClose, children, footer, wide = false, class: cls = "", onKeyDown = null }) {
  const ref = useRef(null);
  const titleId = useId();
  useEffect(() => {
    const dlg = ref.current;
    if (!dlg) return undefined;
    if (open && !dlg.open) {
      const before = document.activeElement;
      dlg.showModal();
      const first = dlg.querySelector("[autofocus], .dialog-body input, .dialog-body select, .dialog-body textarea, .dialog-body button");
      if (first) first.focus();
      return () => {
        // close before refocusing: while a modal is open the page behind it is inert
        if (dlg.open) dlg.close();
        if (before && before.isConnected && before.focus) before.focus();
      };
    }
    if (!open && dlg.open) dlg.close();
    return undefined;
  }, [open]);
  const cancel = (e) => { e.preventDefault(); onClose(); };
  if (!open) return null;
  return html`<dialog ref=${ref} class=${"dialog " + (wide ? "dialog-wide " : "") + cls} aria-labelledby=${titleId} onCancel=${cancel} onKeyDown=${onKeyDown}>
    <header class="dialog-head">
      <h2 id=${titleId}>${title}</h2>
      <button type="button" class="btn-icon" aria-label="Close" onClick=${onClose}>×</button>
    </header>
    <div class="dialog-body">${children}</div>
    ${footer ? html`<footer class="dialog-foot">${footer}</footer>` : null}
  </dialog>`;
}
