// The superuser's file token for protected files (`protected: true` file fields): one
// pb.files.getToken() shared by every cell and editor, renewed before its few minutes run out.
import { signal } from "../../html.js";
import { pb } from "../../pb.js";

export const fileToken = signal("");
let fetchedAt = 0;
let pending = null;
const RENEW_MS = 100 * 1000; // PocketBase's file tokens last 2 minutes

// ask for a token when none or an old one is held; components re-render on the signal
export function needFileToken() {
  if (pending || (fileToken.value && Date.now() - fetchedAt < RENEW_MS)) return;
  pending = pb.files.getToken()
    .then((token) => { fetchedAt = Date.now(); fileToken.value = token; })
    .catch(() => {})
    .finally(() => { pending = null; });
}

// the file's address, with ?token= for a protected field (and a thumbnail size if given)
export function fileURL(record, field, filename, thumb) {
  const query = {};
  if (thumb) query.thumb = thumb;
  if (field && field.protected) {
    needFileToken();
    if (!fileToken.value) return "";
    query.token = fileToken.value;
  }
  return pb.files.getURL(record, filename, query);
}
