// What the rule editor offers at the caret: the collection's fields (and a relation's fields one
// level down), @request.*, @collection.<name>.<field>, the datetime macros and the :modifiers.
const MACROS = ["@now", "@second", "@minute", "@hour", "@weekday", "@day", "@month", "@year",
  "@yesterday", "@tomorrow", "@todayStart", "@todayEnd", "@monthStart", "@monthEnd", "@yearStart", "@yearEnd"];
const MODIFIERS = [":isset", ":changed", ":length", ":each", ":lower"];
const REQUEST = ["@request.context", "@request.method", "@request.headers.", "@request.query.", "@request.body.", "@request.auth."];

function fieldPaths(coll, all, prefix, depth) {
  const out = [];
  for (const f of coll.fields || []) {
    if (!f.name) continue;
    out.push(prefix + f.name);
    if (f.type === "relation" && depth > 0) {
      const target = all.find((c) => c.id === f.collectionId);
      if (target) out.push(...fieldPaths(target, all, prefix + f.name + ".", depth - 1));
    }
  }
  return out;
}

// every completion for a rule of `coll` (its fields as edited), given all collections
export function ruleVocabulary(coll, all) {
  const words = new Set([...fieldPaths(coll, all, "", 1), ...MACROS, ...REQUEST]);
  for (const f of coll.fields || []) if (f.name) words.add("@request.body." + f.name);
  const authFields = new Set(["id", "collectionId", "collectionName"]);
  for (const c of all) if (c.type === "auth") for (const f of c.fields) if (f.type !== "password" && f.name !== "tokenKey") authFields.add(f.name);
  for (const name of authFields) words.add("@request.auth." + name);
  for (const c of all) {
    words.add("@collection." + c.name + ".");
    for (const path of fieldPaths(c, all, "@collection." + c.name + ".", 0)) words.add(path);
  }
  return [...words];
}

// the word being typed at `caret` in `text`: [start, word]
export function wordAt(text, caret) {
  let start = caret;
  while (start > 0 && /[\w@.:]/.test(text[start - 1])) start--;
  return [start, text.slice(start, caret)];
}

export function suggest(vocabulary, word, limit = 12) {
  if (!word) return [];
  const colon = word.lastIndexOf(":");
  if (colon > 0) {
    const stem = word.slice(0, colon);
    const mod = word.slice(colon);
    return MODIFIERS.filter((m) => m.startsWith(mod) && m !== mod).map((m) => stem + m);
  }
  const lower = word.toLowerCase();
  return vocabulary.filter((w) => w.toLowerCase().startsWith(lower) && w !== word).slice(0, limit);
}
