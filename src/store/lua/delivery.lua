--! uses: lib_delivery
-- delivery.lua: record what became of one outbound message, atomically with
-- its outbox bookkeeping: a final outcome (sent, failed, dead-lettered) is
-- acknowledged on the outbox so no sender tries it again.
--
--! keys: delivery outbox dead_letters events
--! args: message_id status_json entry_id final dead conversation status now events_max channel provider_id
-- k_delivery or:{ws}:conv:<id>:delivery   k_outbox or:{ws}:outbox   k_dead_letters or:{ws}:outbox:dead   k_events or:{ws}:events
-- a_final, a_dead: "1" or "0"; a_status the status word; a_provider_id the provider's message id (when sent):
--   indexed for its delivery callbacks, and a callback that came before this record is applied now.
--! status: recorded

redis.call('HSET', k_delivery, a_message_id, a_status_json)
-- What each channel's replies came to (GET /v1/channels): out:sent, out:retrying, out:failed, out:dead.
local prefix = string.sub(k_outbox, 1, #k_outbox - #'outbox')
local counted = a_dead == '1' and 'dead' or a_status
if counted == 'sent' or counted == 'retrying' or counted == 'failed' or counted == 'dead' then
  redis.call('HINCRBY', K.channel_state(prefix, a_channel), 'out:' .. counted, 1)
end
if counted ~= 'sent' then
  -- The channel's last error, with the provider's reason, for the board's channel health.
  local ok, status = pcall(cjson.decode, a_status_json)
  local reason = ok and type(status) == 'table' and status.reason or a_status
  redis.call('HSET', K.channel_state(prefix, a_channel), 'last_error', tostring(reason), 'last_error_at', a_now)
end
if a_final == '1' then
  if a_dead == '1' then
    -- The dead letter keeps the whole outbox entry, so a Retry (dead_retry.lua) can queue it again as it was.
    local entry = redis.call('XRANGE', k_outbox, a_entry_id, a_entry_id)[1]
    local fields = entry and entry[2] or {'conversation_id', a_conversation, 'message_id', a_message_id}
    fields[#fields + 1] = 'status'
    fields[#fields + 1] = a_status_json
    redis.call('XADD', k_dead_letters, 'MAXLEN', '~', 100000, '*', unpack(fields))
  end
  redis.call('XACK', k_outbox, 'senders', a_entry_id)
  redis.call('XDEL', k_outbox, a_entry_id)
  redis.call('XADD', k_events, 'MAXLEN', '~', a_events_max, '*', 'type', 'message.delivery', 'conversation_id', a_conversation,
             'message_id', a_message_id, 'status', a_status, 'at', a_now)
end
if a_status == 'sent' and (a_provider_id or '') ~= '' then
  local ref = a_conversation .. '|' .. a_message_id
  redis.call('SET', K.provider_message(prefix, a_channel, a_provider_id), ref, 'EX', 30 * 86400)
  local pending = K.provider_status(prefix, a_channel, a_provider_id)
  local held = redis.call('GET', pending)
  if held then
    local p = cjson.decode(held)
    apply_status(prefix, a_conversation, a_message_id, p.status, p.reason or '', p.at, a_events_max)
    redis.call('DEL', pending)
  end
end
return 'recorded'
