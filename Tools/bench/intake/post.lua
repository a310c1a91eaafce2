-- wrk script: POST Open311 requests with random points inside the demo city (Kaunas).
-- The API key comes from the environment (MIESTAS_API_KEY); the body is url-encoded, as the spec says.
local key = os.getenv("MIESTAS_API_KEY")
local services = { "graffiti", "street_light", "illegal_dumping", "damaged_sidewalk", "other" }
math.randomseed(os.time())

request = function()
  local lat = 54.880 + math.random() * 0.040
  local long = 23.880 + math.random() * 0.080
  local body = string.format(
    "api_key=%s&service_code=%s&lat=%.6f&long=%.6f&description=wrk+load+test&email=load%%40example.lt",
    key, services[math.random(#services)], lat, long)
  return wrk.format("POST", "/open311/v2/requests.json",
    { ["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8" }, body)
end

-- No `response` callback: with one, wrk hands every answer's headers and body to Lua, which costs
-- wrk CPU on the same two cores as the server. wrk counts non-2xx answers itself (errors.status),
-- and the run script checks the count of stored reports against the database.
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d seconds=%.3f p50_ms=%.2f p99_ms=%.2f errors=%d\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3, latency:percentile(99) / 1e3,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
