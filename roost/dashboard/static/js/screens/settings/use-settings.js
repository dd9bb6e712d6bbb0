// The settings every section edits: load them once, keep a draft, save a part of it.
//   const s = useSettings(); s.draft.meta.appName; s.set("meta.appName", v); await s.save(["meta"], "Saved.")
// Errors of a 400 are flattened to {"meta.appName": message} for the fields.
import { useState, useEffect } from "../../html.js";
import { pb, errorMessage } from "../../pb.js";
import { toast } from "../../toasts.js";

export function flatErrors(data, prefix = "", out = {}) {
  for (const [key, val] of Object.entries(data || {})) {
    const path = prefix ? prefix + "." + key : key;
    if (val && typeof val.message === "string" && typeof val.code === "string") out[path] = val.message;
    else if (val && typeof val === "object") flatErrors(val, path, out);
  }
  return out;
}

export function setPath(obj, path, value) {
  const keys = path.split(".");
  const copy = { ...obj };
  let node = copy;
  for (const k of keys.slice(0, -1)) {
    node[k] = Array.isArray(node[k]) ? [...node[k]] : { ...node[k] };
    node = node[k];
  }
  node[keys[keys.length - 1]] = value;
  return copy;
}

export function useSettings() {
  const [draft, setDraft] = useState(null);
  const [errors, setErrors] = useState({});
  const [busy, setBusy] = useState(false);
  const reload = () => pb.settings.getAll().then(setDraft, (err) => toast(errorMessage(err), "error"));
  useEffect(() => { reload(); }, []);
  return {
    draft,
    errors,
    busy,
    set: (path, value) => setDraft((d) => setPath(d, path, value)),
    // saves the named top-level parts of the draft; answers true on success
    async save(parts, message, transform = (body) => body) {
      setBusy(true);
      setErrors({});
      try {
        const body = {};
        for (const p of parts) body[p] = draft[p];
        setDraft(await pb.settings.update(transform(body)));
        toast(message);
        return true;
      } catch (err) {
        setErrors(flatErrors(err && err.response && err.response.data));
        toast(errorMessage(err), "error");
        return false;
      } finally {
        setBusy(false);
      }
    },
  };
}

// "a, b" <-> ["a", "b"] for the list settings typed as one line
export const splitList = (text) => text.split(",").map((s) => s.trim()).filter(Boolean);
export const joinList = (list) => (list || []).join(", ");

// a Field for a list typed as "a, b": keeps the text as typed, hands on the parsed list
export function useListText(list) {
  const [text, setText] = useState(joinList(list));
  return [text, (value, onList) => { setText(value); onList(splitList(value)); }];
}
