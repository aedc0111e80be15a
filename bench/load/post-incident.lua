-- POST /api/incidents with the contract's fields, as a monitoring pipeline sends it.
-- The API key comes from the environment (BENCH_API_KEY); the raw baseline ignores it.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Api-Key"] = os.getenv("BENCH_API_KEY") or "bench-key"

local oblasts = { "Kharkiv", "Donetsk", "Zaporizhzhia", "Kherson", "Sumy", "Dnipropetrovsk", "Luhansk", "Mykolaiv" }
local counter = 0
local spread = os.getenv("BENCH_SPREAD") == "1"

request = function()
  counter = counter + 1
  -- A second in the past (the validator refuses a violation in the future), to the second: every report posted in
  -- one second then falls due at the same instant, a burst of deadlines. With BENCH_SPREAD=1 the reports carry
  -- milliseconds (the counter's, 0-999, still in the past), so their deadlines spread over the second: the steady
  -- stream of deadlines a pipeline's own clocks give.
  local occurred = os.date("!%Y-%m-%dT%H:%M:%S", os.time() - 1)
  if spread then
    occurred = occurred .. string.format(".%03dZ", counter % 1000)
  else
    occurred = occurred .. "Z"
  end
  local body = string.format(
    '{"title":"Shelling near checkpoint %d","occurredAt":"%s","oblast":"%s","location":"Checkpoint %d",' ..
    '"violationType":"Shelling","severity":"Serious","sourceType":"MonitoringDrone",' ..
    '"description":"Artillery fire reported by a monitoring drone, 3 impacts","latitude":49.7,"longitude":37.6}',
    counter, occurred, oblasts[(counter % #oblasts) + 1], counter)
  return wrk.format(nil, nil, nil, body)
end
