-- Shared by every benchmark script: counts non-2xx answers per thread and, when wrk is done,
-- prints one line "BENCH_JSON {...}" that bench/run.py parses (latencies in microseconds).
local threads = {}
local next_id = 0

function setup(thread)
   thread:set("id", next_id)
   next_id = next_id + 1
   table.insert(threads, thread)
end

non2xx = 0
statuses = {}

function response(status, headers, body)
   if status < 200 or status > 299 then
      non2xx = non2xx + 1
      statuses[status] = (statuses[status] or 0) + 1
   end
end

function done(summary, latency, requests)
   local bad = 0
   local by_status = {}
   for _, t in ipairs(threads) do
      bad = bad + (t:get("non2xx") or 0)
      local s = t:get("statuses")
      if s then
         for code, n in pairs(s) do by_status[code] = (by_status[code] or 0) + n end
      end
   end
   local parts = {}
   for code, n in pairs(by_status) do table.insert(parts, string.format('"%d":%d', code, n)) end
   local e = summary.errors
   io.write(string.format(
      'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"non2xx":%d,"statuses":{%s},' ..
      '"connect":%d,"read":%d,"write":%d,"timeout":%d,"status_errors":%d,' ..
      '"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f}\n',
      summary.requests, summary.duration, summary.bytes, bad, table.concat(parts, ","),
      e.connect, e.read, e.write, e.timeout, e.status,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
