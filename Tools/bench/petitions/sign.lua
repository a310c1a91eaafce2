-- wrk script: each request signs the petition (PETITION) as the next resident of this thread's
-- share of RESIDENTS (one line each: cookie, lon lat district or "- - -", signer key), JSON body
-- with the place when there is one. Threads take alternate lines, so no resident signs twice.
-- When a thread has used its share it sends GET /healthz, which the run script detects (the
-- stored count then differs from the 2xx count).
local counter = 0
setup = function(thread)
  thread:set("id", counter)
  counter = counter + 1
end

init = function(args)
  local threads = tonumber(os.getenv("THREADS"))
  petition = os.getenv("PETITION")
  mine, position = {}, 0
  local n = 0
  for line in io.lines(os.getenv("RESIDENTS")) do
    if n % threads == id then table.insert(mine, line) end
    n = n + 1
  end
end

request = function()
  position = position + 1
  local line = mine[position]
  if line == nil then return wrk.format("GET", "/healthz") end
  local cookie, lon, lat = line:match("^(%S+) (%S+) (%S+)")
  local body = "{}"
  if lon ~= "-" then body = string.format('{"location": {"longitude": %s, "latitude": %s}}', lon, lat) end
  return wrk.format("POST", "/api/petitions/" .. petition .. "/signatures",
    { ["Cookie"] = "miestas_resident=" .. cookie, ["Content-Type"] = "application/json" }, body)
end

done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d seconds=%.3f p50_ms=%.2f p99_ms=%.2f errors=%d\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3, latency:percentile(99) / 1e3,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
