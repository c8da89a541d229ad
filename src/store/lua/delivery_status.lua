--! uses: lib_delivery
-- delivery_status.lua: a provider says what became of a message we sent
-- (a provider's status callback for a message we sent). Found by the
-- provider's message id, recorded when the sender got it back (delivery.lua);
-- a callback that beats that record is kept for a day and applied then.
-- Needs lib_delivery.lua.
--
-- ARGV: 1 prefix, 2 channel id, 3 provider message id, 4 status (sent|delivered|read|failed),
--       5 reason (failed), 6 at ms, 7 events max length
-- Returns {"applied"|"unchanged"|"pending"}.

local prefix = ARGV[1]
local ref = redis.call('GET', prefix .. 'provider_msg:' .. ARGV[2] .. ':' .. ARGV[3])
if not ref then
  local pending = prefix .. 'provider_status:' .. ARGV[2] .. ':' .. ARGV[3]
  local held = redis.call('GET', pending)
  -- Keep the furthest status heard so far.
  if not held or (RANK[ARGV[4]] or 0) > (RANK[cjson.decode(held).status] or 0) then
    redis.call('SET', pending, cjson.encode({status = ARGV[4], reason = ARGV[5], at = ARGV[6]}), 'EX', 86400)
  end
  return {'pending'}
end
local bar = string.find(ref, '|', 1, true)
local changed = apply_status(prefix, string.sub(ref, 1, bar - 1), string.sub(ref, bar + 1), ARGV[4], ARGV[5], ARGV[6], ARGV[7])
return {changed and 'applied' or 'unchanged'}
