-- GET benchmarks (health, upcoming meetings, Calendar page). Path and headers come from wrk's
-- command line (-H "Authorization: ..." / -H "Cookie: ..."); this only adds the statistics.
dofile((os.getenv("BENCH_LUA_DIR") or debug.getinfo(1, "S").source:sub(2):match("(.*)/") or ".") .. "/stats.lua")
