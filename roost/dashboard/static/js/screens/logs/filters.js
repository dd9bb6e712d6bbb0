// What the Logs screen asks the server for: the search box (a plain term or a PocketBase filter),
// the level picked and the zoomed time range, joined into one filter for the list and the chart.

export const LEVELS = [
  { value: "", label: "All levels" },
  { value: "-4", label: "DEBUG" },
  { value: "0", label: "INFO" },
  { value: "4", label: "WARN" },
  { value: "8", label: "ERROR" },
];

export function levelName(level) {
  return level >= 8 ? "ERROR" : level >= 4 ? "WARN" : level >= 0 ? "INFO" : "DEBUG";
}

// a term without filter operators searches the message and the request's url, method and auth
// as PocketBase's search box does; anything with an operator is used as a filter as typed
const OPERATOR = /[=<>~!]|&&|\|\|/;

export function searchFilter(term) {
  const t = term.trim();
  if (!t) return "";
  if (OPERATOR.test(t)) return t;
  const q = JSON.stringify(t);
  return `message ~ ${q} || data.url ~ ${q} || data.method ~ ${q} || data.auth ~ ${q}`;
}

// a Date as the server writes datetimes ("2026-01-02 03:04:05.678Z")
export function toServerDate(d) {
  return d.toISOString().replace("T", " ");
}

export function fromServerDate(s) {
  return new Date(String(s).replace(" ", "T"));
}

export function buildFilter({ search, level, range }) {
  const parts = [];
  const s = searchFilter(search || "");
  if (s) parts.push(`(${s})`);
  if (level !== "" && level !== undefined && level !== null) parts.push(`level = ${Number(level)}`);
  if (range && range.from) parts.push(`created >= "${toServerDate(range.from)}"`);
  if (range && range.to) parts.push(`created <= "${toServerDate(range.to)}"`);
  return parts.join(" && ");
}

// the range buttons: how far back each one looks, in milliseconds
export const RANGES = [
  { id: "1h", label: "Last hour", ms: 3600e3 },
  { id: "24h", label: "Last 24 hours", ms: 24 * 3600e3 },
  { id: "7d", label: "Last 7 days", ms: 7 * 24 * 3600e3 },
];
