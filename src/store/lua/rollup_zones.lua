-- rollup_zones.lua: which time zones the reports roll up by day and month, and
-- since when. A report for a day of a zone before its time reads the raw
-- records instead of that zone's rollups (which began mid-way or not at all),
-- so a report never depends on when a zone was configured.
--
--! keys: zones
--! args: now
--! rest: names
-- k_zones or:{ws}:rollup_zones (zone name → ms it has been rolled up since); a_names the zones rolled up now.
-- Zones no longer named are forgotten: named again later, their rollups have a gap, so they start afresh.
--! status: noted

local now_named = {}
for i = REST_FROM, #ARGV do
  local name = ARGV[i]
  now_named[name] = true
  redis.call('HSETNX', k_zones, name, a_now)
end
for _, name in ipairs(redis.call('HKEYS', k_zones)) do
  if not now_named[name] then redis.call('HDEL', k_zones, name) end
end
return 'noted'
