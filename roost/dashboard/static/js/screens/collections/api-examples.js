// Typed example values for the API preview, from a collection's field definitions: what a body
// parameter is (its type in words) and what the response carries for it (a sample value).
const SAMPLE_ID = "RECORD_ID";

function many(field) {
  return (field.maxSelect || 1) > 1;
}

// the body parameter's type as the preview names it ("String", "Array<String>", "File"...)
export function fieldType(field) {
  switch (field.type) {
    case "number": return "Number";
    case "bool": return "Boolean";
    case "json": return "JSON";
    case "geoPoint": return "{lon: Number, lat: Number}";
    case "file": return many(field) ? "Array<File>" : "File";
    case "select": case "relation": return many(field) ? "Array<String>" : "String";
    default: return "String";
  }
}

// a short explanation of what the server accepts for the field
export function fieldNote(field) {
  switch (field.type) {
    case "relation": return "Id of a record of the related collection" + (many(field) ? "s (or a list of ids)" : "");
    case "select": return "One of: " + (field.values || []).join(", ");
    case "file": return "File upload (multipart/form-data)";
    case "date": return "Datetime, e.g. 2024-01-31 10:00:00.000Z";
    case "email": return "Email address";
    case "url": return "URL";
    case "editor": return "HTML text";
    case "password": return "Plain password";
    case "autodate": return "Set by the server";
    default: return "";
  }
}

export function sampleValue(field, collection) {
  switch (field.type) {
    case "number": return 123;
    case "bool": return true;
    case "json": return "JSON";
    case "geoPoint": return { lon: 0, lat: 0 };
    case "date": case "autodate": return "2022-01-01 10:00:00.123Z";
    case "email": return "test@example.com";
    case "url": return "https://example.com";
    case "file": return many(field) ? ["filename.jpg"] : "filename.jpg";
    case "select": {
      const first = (field.values || [])[0] || "option";
      return many(field) ? [first] : first;
    }
    case "relation": return many(field) ? [SAMPLE_ID] : SAMPLE_ID;
    default:
      if (field.name === "id") return SAMPLE_ID;
      return field.name === "username" && collection.type === "auth" ? "username123" : "test";
  }
}

// the fields a client may send when creating/updating records (not autodates, not the token key)
export function writableFields(collection) {
  return (collection.fields || []).filter((f) => f.name && f.type !== "autodate" && f.name !== "tokenKey");
}

// what a read of one record returns: collectionId, collectionName and every visible field
export function sampleRecord(collection) {
  const record = { collectionId: collection.id, collectionName: collection.name };
  for (const f of collection.fields || []) {
    if (!f.name || f.hidden || f.type === "password") continue;
    record[f.name] = sampleValue(f, collection);
  }
  return record;
}

// an example body for create/update: the writable fields with sample values
export function sampleBody(collection, { update = false } = {}) {
  const body = {};
  for (const f of writableFields(collection)) {
    if (f.name === "id" || f.type === "file") continue; // id is generated; files need FormData
    if (f.type === "password") {
      if (update) body.oldPassword = "12345678";
      body.password = "12345678";
      body.passwordConfirm = "12345678";
      continue;
    }
    body[f.name] = sampleValue(f, collection);
  }
  return body;
}

// a filter that makes sense for the collection: on its first text field, else on its id
export function sampleFilter(collection) {
  const text = (collection.fields || []).find((f) => f.type === "text" && f.name !== "id" && !f.hidden);
  return text ? `${text.name} ~ "abc"` : 'id != ""';
}

export function relationNames(collection) {
  return (collection.fields || []).filter((f) => f.type === "relation").map((f) => f.name);
}
