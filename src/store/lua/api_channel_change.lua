-- api_channel_change.lua: add, replace or remove a channel kept in Redis (POST/PUT/DELETE /v1/channels/<id>)
-- and move the version every daemon watches, in one step: a daemon that sees the version reads the change.
--
--! keys: channels version
--! args: op id document
--! status: exists
--! status: not_found
--! status: ok version
-- k_channels or:{ws}:api_channels (id → JSON document, secrets sealed); k_version or:{ws}:api_channels_version.
-- a_op: create (refused when the id is kept), replace (refused when it is not), remove. Returns {"ok", the new
-- version}, {"exists"} or {"not_found"}.

local kept = redis.call('HEXISTS', k_channels, a_id) == 1
if a_op == 'create' and kept then return {'exists'} end
if a_op ~= 'create' and not kept then return {'not_found'} end
if a_op == 'remove' then
  redis.call('HDEL', k_channels, a_id)
else
  redis.call('HSET', k_channels, a_id, a_document)
end
return {'ok', tostring(redis.call('INCR', k_version))}
