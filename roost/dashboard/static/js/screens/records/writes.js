// Many record writes at once (bulk delete, bulk update, import): through the batch API when the
// settings enable it (chunks of batch.maxRequests, one transaction each), else one request per
// record. Returns one result per operation: {ok: true, record} or {ok: false, message, fields}.
import { pb, errorMessage } from "../../pb.js";

let batchSettings = null;
async function batchLimits() {
  if (!batchSettings) {
    try {
      const s = await pb.settings.getAll();
      batchSettings = s.batch || { enabled: false };
    } catch (e) { batchSettings = { enabled: false }; }
  }
  return batchSettings;
}

// a settings change elsewhere in the dashboard makes the next bulk action ask again
export function forgetBatchSettings() { batchSettings = null; }

function describe(response) {
  const fields = {};
  const data = (response && response.data) || {};
  for (const [k, v] of Object.entries(data)) if (v && v.message) fields[k] = v.message;
  const msg = (response && response.message) || "Failed.";
  return { ok: false, message: msg, fields };
}

function one(service, op) {
  if (op.action === "create") return service.create(op.body);
  if (op.action === "update") return service.update(op.id, op.body);
  return service.delete(op.id);
}

async function singly(collection, ops, results, onProgress) {
  const service = pb.collection(collection);
  for (const [i, op] of ops.entries()) {
    try { results[i] = { ok: true, record: await one(service, op) }; }
    catch (err) { results[i] = describe(err.response && err.response.message ? err.response : { message: errorMessage(err) }); }
    onProgress && onProgress(i + 1);
  }
}

// a batch is one transaction: when request k fails nothing is written, so k is reported and the
// rest of the chunk is sent again without it
async function batched(collection, ops, results, size, onProgress) {
  let done = 0;
  for (let start = 0; start < ops.length; start += size) {
    let pending = ops.slice(start, start + size).map((op, j) => ({ op, index: start + j }));
    while (pending.length) {
      const batch = pb.createBatch();
      for (const { op } of pending) {
        const svc = batch.collection(collection);
        if (op.action === "create") svc.create(op.body);
        else if (op.action === "update") svc.update(op.id, op.body);
        else svc.delete(op.id);
      }
      try {
        const answers = await batch.send();
        pending.forEach(({ index }, j) => { results[index] = { ok: true, record: answers[j] && answers[j].body }; });
        pending = [];
      } catch (err) {
        const failed = (err.response && err.response.data && err.response.data.requests) || {};
        const keys = Object.keys(failed).map(Number).filter((k) => k >= 0 && k < pending.length);
        if (!keys.length) {
          const message = errorMessage(err, "Batch transaction failed.");
          for (const { index } of pending) results[index] = { ok: false, message, fields: {} };
          pending = [];
        } else {
          for (const k of keys) results[pending[k].index] = describe(failed[k].response || failed[k]);
          pending = pending.filter((_, j) => !keys.includes(j));
        }
      }
    }
    done = Math.min(ops.length, start + size);
    onProgress && onProgress(done);
  }
}

export async function runWrites(collection, ops, onProgress = null) {
  const results = new Array(ops.length);
  const limits = await batchLimits();
  const hasFiles = ops.some((op) => op.body && Object.values(op.body).some((v) => v instanceof Blob));
  if (limits.enabled && !hasFiles) await batched(collection, ops, results, Math.max(1, limits.maxRequests || 50), onProgress);
  else await singly(collection, ops, results, onProgress);
  return results;
}
