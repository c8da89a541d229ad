-- conversation_view.lua: one conversation as the API shows it, in one round trip.
--
--! keys: conv
--! args: prefix with_messages
-- k_conv or:{ws}:conv:<id>; a_with_messages "1" or "0"
-- Returns {conv fields (flat), contact fields (flat), handles, messages (stream entries), delivery (flat:
-- message id → status JSON)} or {} when absent.

local conv = redis.call('HGETALL', k_conv)
if #conv == 0 then return {} end
local contact_id = redis.call('HGET', k_conv, 'contact')
-- The contact's own fields, and its handles (fields handle:<kind>:<handle>; in the set contact:<id>:handles for
-- contacts stored by earlier builds); its conversations (fields conv:<id>) are not part of this view.
local contact, handles = {}, redis.call('SMEMBERS', a_prefix .. 'contact:' .. contact_id .. ':handles')
local fields = redis.call('HGETALL', a_prefix .. 'contact:' .. contact_id)
for n = 1, #fields, 2 do
  local name = fields[n]
  if string.sub(name, 1, 7) == 'handle:' then handles[#handles + 1] = string.sub(name, 8)
  elseif string.sub(name, 1, 5) ~= 'conv:' then contact[#contact + 1] = name; contact[#contact + 1] = fields[n + 1] end
end
local messages, delivery = {}, {}
if a_with_messages == '1' then
  messages = redis.call('XRANGE', k_conv .. ':msgs', '-', '+')
  delivery = redis.call('HGETALL', k_conv .. ':delivery')
end
return {conv, contact, handles, messages, delivery}
