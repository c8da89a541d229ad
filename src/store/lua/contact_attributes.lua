-- contact_attributes.lua: the attributes (tier, …) of the contact a handle
-- belongs to, for routing rules that match on them. Read-only.
--
-- KEYS[1] or:{ws}:handle:<kind>:<handle>
-- ARGV: 1 prefix
-- Returns the flat hash or:{ws}:contact:<id>:attrs, or {} for an unknown handle.

local contact = redis.call('GET', KEYS[1])
if not contact then return {} end
return redis.call('HGETALL', ARGV[1] .. 'contact:' .. contact .. ':attrs')
