-- Signed Calendly webhook deliveries. BENCH_WEBHOOK_FILE holds one request per line:
-- "<Calendly-Webhook-Signature value>\t<JSON body>", each a distinct booking signed just before
-- wrk started. Thread i of n sends lines i, i+n, i+2n, ... so no two threads send the same body;
-- a thread that runs out starts again at its first line (bench/run.py reports such repeats).
-- Each request is formatted once, here, so that wrk, which shares the cores with the server,
-- spends as little as it can per request.
dofile((os.getenv("BENCH_LUA_DIR") or debug.getinfo(1, "S").source:sub(2):match("(.*)/") or ".") .. "/stats.lua")

local requests, count, index = {}, 0, 0
local path = "/api/calendar/webhook/calendly"

function init(args)
   local n = tonumber(os.getenv("BENCH_THREADS") or "1")
   local line_no = 0
   for line in io.lines(os.getenv("BENCH_WEBHOOK_FILE")) do
      if line_no % n == id then
         local tab = string.find(line, "\t", 1, true)
         count = count + 1
         requests[count] = wrk.format("POST", path, {
            ["Host"] = wrk.headers["Host"],
            ["Content-Type"] = "application/json",
            ["Calendly-Webhook-Signature"] = string.sub(line, 1, tab - 1),
         }, string.sub(line, tab + 1))
      end
      line_no = line_no + 1
   end
   sent = 0
end

function request()
   index = index % count + 1
   sent = sent + 1
   return requests[index]
end
