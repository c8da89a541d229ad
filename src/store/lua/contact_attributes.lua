-- contact_attributes.lua: the attributes (tier, …) of the contact a handle
-- belongs to, for routing rules that match on them. Read-only.
--
--! keys: handle
--! args: prefix
-- k_handle or:{ws}:handle:<kind>:<handle>
--! returns: attributes:reply
-- attributes: the flat hash or:{ws}:contact:<id>:attrs, empty for an unknown handle.

local contact = redis.call('GET', k_handle)
if not contact then return {{}} end
return {redis.call('HGETALL', K.contact_attributes(a_prefix, contact))}
