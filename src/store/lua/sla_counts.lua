-- sla_counts.lua: how many conversations are at risk (warned, not yet
-- breached) and breached (still unanswered or unresolved), by queue, for the
-- gauges. Reads only.
--
--! args: prefix
--! returns each: queue at_risk:integer breached:integer

local prefix = a_prefix

local function parse(member)
  return string.match(member, '^([%w_]+):(.+)$')
end

local counts, order = {}, {}
for i, set in ipairs({K.sla_at_risk(prefix), K.sla_breached(prefix)}) do
  for _, member in ipairs(redis.call('ZRANGE', set, 0, -1)) do
    local _, conv = parse(member)
    local queue = redis.call('HGET', K.conversation(prefix, conv), 'queue') or ''
    if not counts[queue] then
      counts[queue] = {0, 0}
      order[#order + 1] = queue
    end
    counts[queue][i] = counts[queue][i] + 1
  end
end
local out = {}
for _, queue in ipairs(order) do
  out[#out + 1] = queue
  out[#out + 1] = counts[queue][1]
  out[#out + 1] = counts[queue][2]
end
return out
