// The field types, with PocketBase's dashboard names and each one's default options (what "New
// field" of that type starts with).
export const FIELD_TYPES = [
  { type: "text", label: "Plain text", defaults: { min: 0, max: 0, pattern: "", autogeneratePattern: "" } },
  { type: "editor", label: "Rich editor", defaults: { maxSize: 0, convertURLs: false } },
  { type: "number", label: "Number", defaults: { min: null, max: null, onlyInt: false } },
  { type: "bool", label: "Bool", defaults: {} },
  { type: "email", label: "Email", defaults: { exceptDomains: null, onlyDomains: null } },
  { type: "url", label: "URL", defaults: { exceptDomains: null, onlyDomains: null } },
  { type: "date", label: "DateTime", defaults: { min: "", max: "" } },
  { type: "autodate", label: "Autodate", defaults: { onCreate: true, onUpdate: false } },
  { type: "select", label: "Select", defaults: { values: [], maxSelect: 1 } },
  { type: "file", label: "File", defaults: { maxSelect: 1, maxSize: 0, mimeTypes: [], thumbs: [], protected: false } },
  { type: "relation", label: "Relation", defaults: { collectionId: "", cascadeDelete: false, minSelect: 0, maxSelect: 1 } },
  { type: "json", label: "JSON", defaults: { maxSize: 0 } },
  { type: "geoPoint", label: "Geo Point", defaults: {} },
  { type: "password", label: "Password", defaults: { min: 0, max: 0, pattern: "", cost: 0 } },
];

export function typeLabel(type) {
  const found = FIELD_TYPES.find((t) => t.type === type);
  return found ? found.label : type;
}

// a new field of `type` named like PocketBase's ("field", "field2", ...) among `existing`
export function newField(type, existing) {
  const names = new Set(existing.map((f) => f.name));
  let name = "field";
  for (let i = 2; names.has(name); i++) name = "field" + i;
  const spec = FIELD_TYPES.find((t) => t.type === type);
  return {
    _key: "new-" + Math.random().toString(36).slice(2), // stable list key until the server gives an id
    name, type, required: false, hidden: false, presentable: false, system: false,
    ...JSON.parse(JSON.stringify(spec.defaults)),
  };
}
