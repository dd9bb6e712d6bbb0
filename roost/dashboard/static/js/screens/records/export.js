// Export records to JSON or CSV: the selection, or every record the filter matches.
import { pb } from "../../pb.js";
import { columnFields } from "./fields.js";
import { toCSV, download } from "./csv.js";

// a CSV cell: arrays, objects and JSON as JSON text (import reads them back), the rest as text
export function csvValue(value) {
  if (value === null || value === undefined) return "";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

function strip(record) {
  const out = { ...record };
  delete out.expand;
  return out;
}

export async function exportRecords(coll, format, selection, { filter, sort }) {
  const records = selection || await pb.collection(coll.name).getFullList({ filter, sort, batch: 500 });
  const stamp = new Date().toISOString().slice(0, 19).replace(/[-:T]/g, "");
  const base = `${coll.name}_${stamp}`;
  if (format === "json") {
    download(base + ".json", JSON.stringify(records.map(strip), null, 2), "application/json");
  } else {
    const names = columnFields(coll).map((f) => f.name);
    download(base + ".csv", toCSV(names, records.map((r) => names.map((n) => csvValue(r[n])))), "text/csv");
  }
  return records.length;
}
