-- Shared helpers for the benchmark's wrk scripts.
--
-- Environment (set by the harness):
--   BENCH_DATA     path of a generated Lua file returning
--                  { post_ids = {...}, users = {{id=, email=}, ...}, tokens = {{id=, token=}, ...} }
--
-- Each wrk thread has its own Lua state, so this file (and the data file) is
-- loaded once per thread plus once for the main state that runs setup/done.
local M = {}

M.data = dofile(assert(os.getenv("BENCH_DATA"), "BENCH_DATA is not set"))

-- setup() runs in the main state once per thread: number the threads so each
-- one seeds its random generator differently.
local thread_count = 0
function M.setup(thread)
  thread_count = thread_count + 1
  thread:set("bench_thread_index", thread_count)
end

-- init() runs in each thread's state before its first request.
function M.init(args)
  math.randomseed(os.time() * 1000 + (bench_thread_index or 0) * 7919)
  for _ = 1, 10 do math.random() end
end

function M.pick(list)
  return list[math.random(#list)]
end

-- A random user token as request headers; `extra` entries are added.
function M.auth_headers(extra)
  local headers = { ["Authorization"] = M.pick(M.data.tokens).token }
  for k, v in pairs(extra or {}) do headers[k] = v end
  return headers
end

-- done() runs once in the main state after the test: print one machine-readable
-- line that the harness parses (latencies in microseconds).
function M.done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors_connect":%d,"errors_read":%d,"errors_write":%d,"errors_status":%d,"errors_timeout":%d,' ..
    '"latency_mean_us":%.1f,"latency_max_us":%.1f,"p50_us":%.1f,"p75_us":%.1f,"p90_us":%.1f,"p99_us":%.1f}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency.max,
    latency:percentile(50), latency:percentile(75), latency:percentile(90), latency:percentile(99)))
end

return M
