-- dead_retry.lua: an admin retries one dead-lettered reply: it goes back to the
-- outbox as it was first queued, its delivery status is queued again, and the
-- dead letter is gone — in one step, so a second Retry finds nothing and the
-- reply is delivered once.
--! keys: dead_letters outbox events
--! args: prefix entry_id now events_max
--! status: not_found
--! status: not_retryable
--! status: retried conversation message_id entry
-- Returns {"retried", conversation id, message id, new outbox entry} or {"not_found"} or {"not_retryable"} (a dead
-- letter recorded by an earlier build, which kept only the ids: its text is in the transcript, not here).

local found = redis.call('XRANGE', k_dead_letters, a_entry_id, a_entry_id)[1]
if not found then return {'not_found'} end
local fields, kept = found[2], {}
local conv, msg, channel = nil, nil, nil
for n = 1, #fields, 2 do
  local name, value = fields[n], fields[n + 1]
  if name == 'conversation_id' then conv = value end
  if name == 'message_id' then msg = value end
  if name == 'channel' then channel = value end
  if name ~= 'status' then kept[#kept + 1] = name; kept[#kept + 1] = value end
end
if not channel or not conv or not msg then return {'not_retryable'} end
local entry = redis.call('XADD', k_outbox, '*', unpack(kept))
redis.call('XDEL', k_dead_letters, a_entry_id)
redis.call('HSET', K.delivery(a_prefix, conv), msg,
           cjson.encode({status = 'queued', attempts = 0, retried_at = tonumber(a_now)}))
redis.call('XADD', k_events, 'MAXLEN', '~', a_events_max, '*', 'type', 'message.delivery', 'conversation_id', conv,
           'message_id', msg, 'status', 'queued', 'reason', '', 'at', a_now)
return {'retried', conv, msg, entry}
