-- POST /api/incidents with the contract's fields, as a monitoring pipeline sends it.
-- The API key comes from the environment (BENCH_API_KEY); the raw baseline ignores it.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Api-Key"] = os.getenv("BENCH_API_KEY") or "bench-key"

local oblasts = { "Kharkiv", "Donetsk", "Zaporizhzhia", "Kherson", "Sumy", "Dnipropetrovsk", "Luhansk", "Mykolaiv" }
local counter = 0

request = function()
  counter = counter + 1
  -- Seconds resolution and a second in the past: the validator refuses a violation in the future.
  local occurred = os.date("!%Y-%m-%dT%H:%M:%SZ", os.time() - 1)
  local body = string.format(
    '{"title":"Shelling near checkpoint %d","occurredAt":"%s","oblast":"%s","location":"Checkpoint %d",' ..
    '"violationType":"Shelling","severity":"Serious","sourceType":"MonitoringDrone",' ..
    '"description":"Artillery fire reported by a monitoring drone, 3 impacts","latitude":49.7,"longitude":37.6}',
    counter, occurred, oblasts[(counter % #oblasts) + 1], counter)
  return wrk.format(nil, nil, nil, body)
end
