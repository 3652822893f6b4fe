-- wrk script: POST /v1/chat/completions with a small body; BENCH_STREAM=1 asks for SSE.
-- Prints one machine-readable line ("BENCH_JSON {...}") from done() for bench.sh.
local stream = os.getenv("BENCH_STREAM") == "1"
local path = os.getenv("BENCH_PATH") or "/v1/chat/completions"
-- BENCH_TEMPERATURE=0 makes the request cacheable (bench-cache.sh); the default 0.7 passes through the cache.
local temperature = os.getenv("BENCH_TEMPERATURE") or "0.7"

wrk.method = "POST"
wrk.path = path
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer sk-bench-client"
if stream then
  wrk.body = '{"model":"gpt-4o-mini","stream":true,"stream_options":{"include_usage":true},'
    .. (os.getenv("BENCH_TEMPERATURE") and ('"temperature":' .. temperature .. ',') or '')
    .. '"messages":[{"role":"system","content":"You are a load test."},{"role":"user","content":"Say hello in five words."}]}'
else
  wrk.body = '{"model":"gpt-4o-mini","messages":[{"role":"system","content":"You are a load test."},'
    .. '{"role":"user","content":"Say hello in five words."}],"temperature":' .. temperature .. '}'
end

-- No response() callback on purpose: it costs a Lua call per request; wrk's summary already counts non-2xx.
function done(summary, latency, requests)
  local s = summary
  local secs = s.duration / 1e6
  local errs = s.errors.connect + s.errors.read + s.errors.write + s.errors.timeout
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"seconds":%.3f,"rps":%.1f,"bytes":%d,"non2xx":%d,"socket_errors":%d,'
    .. '"lat_mean_ms":%.3f,"lat_p50_ms":%.3f,"lat_p90_ms":%.3f,"lat_p99_ms":%.3f,"lat_max_ms":%.3f}\n',
    s.requests, secs, s.requests / secs, s.bytes, s.errors.status, errs,
    latency.mean / 1000, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
