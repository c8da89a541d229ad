-- conversation_view.lua: one conversation as the API shows it, in one round trip.
--
-- KEYS[1] conv or:{ws}:conv:<id>
-- ARGV: 1 prefix, 2 include messages (1|0)
-- Returns {conv fields (flat), contact fields (flat), handles, messages (stream entries), delivery (flat:
-- message id → status JSON)} or {} when absent.

local conv = redis.call('HGETALL', KEYS[1])
if #conv == 0 then return {} end
local contact_id = redis.call('HGET', KEYS[1], 'contact')
local contact = redis.call('HGETALL', ARGV[1] .. 'contact:' .. contact_id)
local handles = redis.call('SMEMBERS', ARGV[1] .. 'contact:' .. contact_id .. ':handles')
local messages, delivery = {}, {}
if ARGV[2] == '1' then
  messages = redis.call('XRANGE', KEYS[1] .. ':msgs', '-', '+')
  delivery = redis.call('HGETALL', KEYS[1] .. ':delivery')
end
return {conv, contact, handles, messages, delivery}
