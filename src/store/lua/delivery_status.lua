--! uses: lib_delivery
-- delivery_status.lua: a provider says what became of a message we sent
-- (a provider's status callback for a message we sent). Found by the
-- provider's message id, recorded when the sender got it back (delivery.lua);
-- a callback that beats that record is kept for a day and applied then.
-- Needs lib_delivery.lua.
--
--! args: prefix channel provider_id status reason at events_max
--! status: pending
--! status: applied
--! status: unchanged
-- a_status sent|delivered|read|failed; a_reason (failed); a_at ms
-- Returns {"applied"|"unchanged"|"pending"}.

local prefix = a_prefix
local ref = redis.call('GET', K.provider_message(prefix, a_channel, a_provider_id))
if not ref then
  local pending = K.provider_status(prefix, a_channel, a_provider_id)
  local held = redis.call('GET', pending)
  -- Keep the furthest status heard so far.
  if not held or (RANK[a_status] or 0) > (RANK[cjson.decode(held).status] or 0) then
    redis.call('SET', pending, cjson.encode({status = a_status, reason = a_reason, at = a_at}), 'EX', 86400)
  end
  return {'pending'}
end
local bar = string.find(ref, '|', 1, true)
local changed = apply_status(prefix, string.sub(ref, 1, bar - 1), string.sub(ref, bar + 1), a_status, a_reason, a_at, a_events_max)
return {changed and 'applied' or 'unchanged'}
