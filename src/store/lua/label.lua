--! uses: lib_conv
-- label.lua: adds or removes one label of a conversation (field `labels`: sorted, comma-separated).
--! keys: conv events
--! args: agent label add now events_max any
--! status: not_found
--! status: forbidden
--! status: too_many
--! status: ok labels
-- a_add "1" adds, "0" removes; a_any "1": an admin may label any conversation, else only its agent or the
-- agent it is offered to.
-- Returns {"ok", labels} or {"not_found"|"forbidden"|"too_many"}.

local c = load_fields(k_conv, 'id', 'agent', 'offered_to', 'labels')
if not c.id then return {'not_found'} end
if a_any ~= '1' and c.agent ~= a_agent and c.offered_to ~= a_agent then return {'forbidden'} end
local set, list = {}, {}
for l in string.gmatch(c.labels or '', '[^,]+') do set[l] = true end
if a_add == '1' then set[a_label] = true else set[a_label] = nil end
for l in pairs(set) do list[#list + 1] = l end
if #list > 20 then return {'too_many'} end
table.sort(list)
local joined = table.concat(list, ',')
if joined ~= (c.labels or '') then
  redis.call('HSET', k_conv, 'labels', joined)
  redis.call('XADD', k_events, 'MAXLEN', '~', a_events_max, '*', 'type', 'conversation.labels', 'conversation_id', c.id,
             'agent', a_agent, 'labels', joined, 'at', a_now)
end
return {'ok', joined}
