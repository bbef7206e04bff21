-- Many different searches: BENCH_SEARCH_FILE holds one request path per line. Thread i of n sends
-- lines i, i+n, i+2n, ..., then starts again; with more distinct queries than the server keeps
-- answers for, nearly every request is a search run afresh rather than an answer from memory.
dofile((os.getenv("BENCH_LUA_DIR") or debug.getinfo(1, "S").source:sub(2):match("(.*)/") or ".") .. "/stats.lua")

local requests, count, index = {}, 0, 0

function init(args)
   local n = tonumber(os.getenv("BENCH_THREADS") or "1")
   local line_no = 0
   for line in io.lines(os.getenv("BENCH_SEARCH_FILE")) do
      if line_no % n == id then
         count = count + 1
         requests[count] = wrk.format("GET", line)
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
