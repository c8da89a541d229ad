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
local contact = redis.call('HGETALL', a_prefix .. 'contact:' .. contact_id)
local handles = redis.call('SMEMBERS', a_prefix .. 'contact:' .. contact_id .. ':handles')
local messages, delivery = {}, {}
if a_with_messages == '1' then
  messages = redis.call('XRANGE', k_conv .. ':msgs', '-', '+')
  delivery = redis.call('HGETALL', k_conv .. ':delivery')
end
return {conv, contact, handles, messages, delivery}
