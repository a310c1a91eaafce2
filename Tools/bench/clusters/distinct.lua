-- wrk script: every request asks for a box no request asked for before (its west edge moved by a
-- few nanodegrees, the same clusters), so none is answered from the answer cache: the cost of
-- writing each answer. Threads number their requests apart.
local counter = 0
setup = function(thread)
  thread:set("id", counter)
  counter = counter + 1
end

init = function(args)
  sent = 0
  prefix, west, rest = wrk.path:match("^(.*bbox=)([^,]+)(.*)$")
  west = tonumber(west)
end

request = function()
  sent = sent + 1
  return wrk.format("GET", string.format("%s%.12f%s", prefix, west - (sent * 16 + id) * 1e-12, rest))
end
