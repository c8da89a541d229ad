-- sla_overview.lua: the conversations at risk (warned, not yet breached) and
-- breached (still unanswered or unresolved), soonest breach and longest
-- overdue first, for the admin API and omnictl; or only their counts by queue,
-- for the gauges. Reads only.
--
--! args: prefix mode limit
-- a_mode "list" or "counts"; a_limit at most this many of each (list)
-- Returns for list: {at_risk, breached}, each a list of {target, due ms, conversation fields (flat)};
--         for counts: a flat list: queue, at risk, breached, …

local prefix, mode = a_prefix, a_mode

local function parse(member)
  return string.match(member, '^([%w_]+):(.+)$')
end

if mode == 'counts' then
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
end

local limit = tonumber(a_limit)
local result = {}
for _, set in ipairs({K.sla_at_risk(prefix), K.sla_breached(prefix)}) do
  local list = {}
  local entries = redis.call('ZRANGE', set, 0, limit - 1, 'WITHSCORES')
  for i = 1, #entries, 2 do
    local target, conv = parse(entries[i])
    local fields = redis.call('HGETALL', K.conversation(prefix, conv))
    if #fields > 0 then list[#list + 1] = {target, entries[i + 1], fields} end
  end
  result[#result + 1] = list
end
return result
