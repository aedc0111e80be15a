-- The soak's mix (bench/soak): what analysts' browsers and monitoring pipelines send during a day, with an X-Api-Key,
-- paced to BENCH_RATE requests/s for each wrk thread (bench/soak runs one). Each answer claims the next free slot
-- on a schedule of one request every 1000 / BENCH_RATE ms, and the connection waits for it (wrk's delay()): the
-- rate holds whatever the answer times, as long as the connections are not all busy at once. A pause after each
-- answer instead (the first soak's 100 ms) made the rate fall with every slow answer: 42/s, not 50.
--   30 % POST /api/incidents        15 % GET /api/incidents?status=Active   15 % GET /health
--   10 % GET / (dashboard)           10 % GET /Incidents                     10 % GET /api/incidents/{id}
--    5 % GET /api/incidents/{id}/timeline.csv                                  5 % GET /api/stats
local key = os.getenv("BENCH_API_KEY") or "bench-key"
local interval_ms = 1000 / tonumber(os.getenv("BENCH_RATE") or "50")

-- wrk's Lua has no clock finer than a second; LuaJIT's FFI reaches the C library's monotonic one.
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } cw_timespec;
  int clock_gettime(int clock, cw_timespec *now);
]]
local timespec = ffi.new("cw_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, timespec) -- CLOCK_MONOTONIC
  return tonumber(timespec.tv_sec) * 1000 + tonumber(timespec.tv_nsec) / 1e6
end
local next_slot = 0
local oblasts = { "Kharkiv", "Donetsk", "Zaporizhzhia", "Kherson", "Sumy", "Dnipropetrovsk", "Luhansk", "Mykolaiv" }
local counter = 0
local seeded = tonumber(os.getenv("BENCH_KNOWN_IDS") or "1")

local threads = {}
setup = function(thread) table.insert(threads, thread) end

local function get(path)
  return wrk.format("GET", path, { ["X-Api-Key"] = key })
end

request = function()
  counter = counter + 1
  local r = math.random(100)
  local known = math.max(1, math.floor(seeded + counter / 4))
  if r <= 30 then
    local occurred = os.date("!%Y-%m-%dT%H:%M:%SZ", os.time() - 1)
    local body = string.format(
      '{"title":"Soak report %d","occurredAt":"%s","oblast":"%s","location":"Checkpoint %d",' ..
      '"violationType":"Shelling","severity":"Serious","sourceType":"MonitoringDrone",' ..
      '"description":"Artillery fire reported by a monitoring drone, 3 impacts"}',
      counter, occurred, oblasts[(counter % #oblasts) + 1], counter)
    return wrk.format("POST", "/api/incidents", { ["X-Api-Key"] = key, ["Content-Type"] = "application/json" }, body)
  elseif r <= 45 then return get("/api/incidents?status=Active&pageSize=50")
  elseif r <= 60 then return get("/health")
  elseif r <= 70 then return get("/")
  elseif r <= 80 then return get("/Incidents")
  elseif r <= 90 then return get("/api/incidents/" .. math.random(1, known))
  elseif r <= 95 then return get("/api/incidents/" .. math.random(1, known) .. "/timeline.csv")
  else return get("/api/stats") end
end

-- The wait before this connection's next request: until the next free slot, claimed now. Slots missed while every
-- connection was busy are not made up later in a burst.
delay = function()
  local now = now_ms()
  next_slot = math.max(now, next_slot + interval_ms)
  return math.floor(next_slot - now + 0.5)
end

-- A 404 for an id not yet written is expected; anything else that is not 2xx is an error, a redirect too: until
-- 6c68079 a page asked for with the key answered 302 to /Setup (no account yet), and soaks counted those as served.
errors = 0 -- a global: read from each thread's state by done()
response = function(status, headers, body)
  if status >= 300 and status ~= 404 then errors = errors + 1 end
end

done = function(summary, latency, requests)
  local failed = 0
  for _, thread in ipairs(threads) do failed = failed + thread:get("errors") end
  io.write(string.format("mixed: %d requests, %d errors (answers not 2xx, other than 404), %d socket errors, p50 %.1f ms, p99 %.1f ms\n",
    summary.requests, failed, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
