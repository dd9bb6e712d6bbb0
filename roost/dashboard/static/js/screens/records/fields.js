// What the records screens need to know about a collection's fields: which are columns, which
// the editor shows, a relation's display field, and PocketBase's date format <-> <input> values.
export const HIDDEN_TYPES = new Set(["password"]);
// fields the editor never sends (the server fills them)
export const READONLY_TYPES = new Set(["autodate"]);

export function columnFields(coll) {
  return coll.fields.filter((f) => !HIDDEN_TYPES.has(f.type) && f.name !== "tokenKey");
}

export function editableFields(coll) {
  return coll.fields.filter((f) => f.name !== "id" && f.name !== "tokenKey" && f.type !== "password");
}

export function isMulti(field) {
  return (field.type === "select" || field.type === "relation" || field.type === "file") && (field.maxSelect || 1) > 1;
}

// the field a relation shows for its records: the target's first presentable field, else its
// first text-ish field, else the id (PocketBase's rule)
export function displayField(target) {
  if (!target) return "id";
  const presentable = target.fields.find((f) => f.presentable && f.type !== "password");
  if (presentable) return presentable.name;
  const named = target.fields.find((f) => ["title", "name", "email", "username", "label", "heading"].includes(f.name));
  if (named) return named.name;
  const text = target.fields.find((f) => f.type === "text" && f.name !== "id" && !f.hidden);
  return text ? text.name : "id";
}

// "2024-05-01 10:20:30.000Z" (PocketBase, UTC) <-> "2024-05-01T10:20:30" (datetime-local, shown as UTC)
export function dateToInput(value) {
  if (!value) return "";
  return String(value).slice(0, 19).replace(" ", "T");
}

export function inputToDate(value) {
  if (!value) return "";
  const [day, time = "00:00"] = value.split("T");
  const full = time.length === 5 ? time + ":00" : time.slice(0, 8);
  return day + " " + full + ".000Z";
}

// one field's value as short text for a table cell or a CSV column
export function plainValue(field, value) {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.join(", ");
  if (field && field.type === "json") return JSON.stringify(value);
  if (field && field.type === "geoPoint") return value.lon + ", " + value.lat;
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

// a typed value from text (CSV cells, the bulk-update box), by the field's type
export function parseValue(field, text) {
  const raw = text === undefined || text === null ? "" : String(text);
  switch (field.type) {
    case "number": return raw.trim() === "" ? 0 : Number(raw);
    case "bool": return ["true", "1", "yes", "on"].includes(raw.trim().toLowerCase());
    case "json": case "geoPoint":
      if (raw.trim() === "") return null;
      try { return JSON.parse(raw); } catch (e) { return raw; }
    case "select": case "relation": case "file":
      if (!isMulti(field)) return raw;
      if (raw.trim().startsWith("[")) { try { return JSON.parse(raw); } catch (e) { /* fall through */ } }
      return raw.split(",").map((s) => s.trim()).filter(Boolean);
    default: return raw;
  }
}
