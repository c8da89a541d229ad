-- sla_overview.lua: the conversations at risk (warned, not yet breached) and
-- breached (still unanswered or unresolved), soonest breach and longest
-- overdue first, for the admin API and omnictl. Reads only (sla_counts.lua
-- counts them by queue).
--
--! args: prefix limit
--! returns: at_risk:reply breached:reply
-- a_limit at most this many of each; at_risk and breached each a list of
-- {target, due ms, conversation fields (flat)}

local prefix = a_prefix

local function parse(member)
  return string.match(member, '^([%w_]+):(.+)$')
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
