-- conversation_view.lua: one conversation as the API shows it, in one round trip.
--
--! keys: conv
--! args: prefix with_messages
--! returns: conversation:reply contact:reply handles:list messages:reply delivery:reply contact_conversations:reply attributes:reply deadline:list
-- k_conv or:{ws}:conv:<id>; a_with_messages "1" or "0"
-- Returns {conv fields (flat), contact fields (flat), handles, messages (stream entries), delivery (flat:
-- message id → status JSON), the contact's conversations (flat: id → since ms, "" when not known), the contact's
-- attributes (flat), the response clock {target, due ms, stage} ({} when none runs)} or {} when absent.
-- Messages, delivery, conversations and attributes are empty unless a_with_messages is "1".
-- The response clock: the first- or next-response deadline running now, and its stage: pending, at_risk (its
-- warning fired) or breached (from or:{ws}:sla, sla_at_risk, sla_breached).

local conv = redis.call('HGETALL', k_conv)
if #conv == 0 then return {} end
local contact_id = redis.call('HGET', k_conv, 'contact')
-- The contact's own fields, and its handles (fields handle:<kind>:<handle>; in the set contact:<id>:handles for
-- contacts stored by earlier builds); its conversations (fields conv:<id>) are not part of this view.
local contact_key = K.contact(a_prefix, contact_id)
local contact, handles, convs = {}, redis.call('SMEMBERS', K.contact_handles_of(contact_key)), {}
local fields = redis.call('HGETALL', contact_key)
for n = 1, #fields, 2 do
  local name = fields[n]
  if string.sub(name, 1, 7) == 'handle:' then handles[#handles + 1] = string.sub(name, 8)
  elseif string.sub(name, 1, 5) == 'conv:' then convs[#convs + 1] = string.sub(name, 6); convs[#convs + 1] = fields[n + 1]
  else contact[#contact + 1] = name; contact[#contact + 1] = fields[n + 1] end
end
local messages, delivery, attributes = {}, {}, {}
if a_with_messages == '1' then
  messages = redis.call('XRANGE', K.transcript_of(k_conv), '-', '+')
  delivery = redis.call('HGETALL', K.delivery_of(k_conv))
  attributes = redis.call('HGETALL', K.contact_attributes_of(contact_key))
  for _, c in ipairs(redis.call('SMEMBERS', K.contact_conversations_of(contact_key))) do convs[#convs + 1] = c; convs[#convs + 1] = '' end
else
  convs = {}
end
local clock = {}
local id = ''
for n = 1, #conv, 2 do if conv[n] == 'id' then id = conv[n + 1] end end
for _, target in ipairs({'first_response', 'next_response'}) do
  local member = target .. ':' .. id
  local due = redis.call('ZSCORE', K.sla_breached(a_prefix), member)
  local stage = 'breached'
  if not due then due, stage = redis.call('ZSCORE', K.sla_at_risk(a_prefix), member), 'at_risk' end
  if not due then due, stage = redis.call('ZSCORE', K.sla(a_prefix), member), 'pending' end
  if due then clock = {target, due, stage}; break end
end
return {conv, contact, handles, messages, delivery, convs, attributes, clock}
