// What importing a collections JSON would change: collections added, changed (which fields and
// which other properties) and, unless merging, deleted. Collections match by id, else by name.

const IGNORED = new Set(["created", "updated", "fields"]);
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

export function parseImport(text) {
  let data;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return { error: "Invalid collections configuration: " + e.message };
  }
  if (!Array.isArray(data)) return { error: "Invalid collections configuration: expected a JSON array of collections." };
  const bad = data.findIndex((c) => !c || typeof c !== "object" || typeof c.name !== "string");
  if (bad >= 0) return { error: `Invalid collections configuration: item ${bad + 1} has no name.` };
  return { collections: data };
}

function fieldChanges(oldFields = [], newFields = []) {
  const out = [];
  const find = (list, f) => list.find((o) => (f.id && o.id === f.id) || o.name === f.name);
  for (const f of newFields) {
    const o = find(oldFields, f);
    if (!o) out.push({ kind: "added", text: `field "${f.name}" (${f.type}) added` });
    else {
      // only what the JSON sets: options it leaves out keep their defaults, not a change to list
      const keys = Object.keys(f).filter((k) => !same(o[k], f[k]));
      const what = keys.map((k) => `${k}: ${JSON.stringify(o[k])} → ${JSON.stringify(f[k])}`).join(", ");
      if (keys.length) out.push({ kind: "changed", text: `field "${f.name}" changed (${what})` });
    }
  }
  for (const o of oldFields) {
    if (!find(newFields, o)) out.push({ kind: "deleted", text: `field "${o.name}" (${o.type}) deleted, with its data` });
  }
  return out;
}

export function diffCollections(oldList, newList, merge) {
  const find = (list, c) => list.find((o) => (c.id && o.id === c.id) || o.name === c.name);
  const changes = [];
  for (const c of newList) {
    const o = find(oldList, c);
    if (!o) {
      changes.push({ kind: "added", name: c.name, details: [], before: null, after: c });
      continue;
    }
    const details = fieldChanges(o.fields, c.fields);
    for (const k of Object.keys(c)) {
      if (!IGNORED.has(k) && !same(o[k], c[k])) {
        details.push({ kind: "changed", text: `${k}: ${JSON.stringify(o[k])} → ${JSON.stringify(c[k])}` });
      }
    }
    if (details.length) changes.push({ kind: "changed", name: o.name, details, before: o, after: c });
  }
  if (!merge) {
    for (const o of oldList) {
      if (!find(newList, o)) changes.push({ kind: "deleted", name: o.name, details: [], before: o, after: null });
    }
  }
  return changes;
}
