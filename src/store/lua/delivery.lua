--! uses: lib_delivery
-- delivery.lua: record what became of one outbound message, atomically with
-- its outbox bookkeeping: a final outcome (sent, failed, dead-lettered) is
-- acknowledged on the outbox so no sender tries it again.
--
-- KEYS[1] or:{ws}:conv:<id>:delivery   KEYS[2] or:{ws}:outbox   KEYS[3] or:{ws}:outbox:dead
-- KEYS[4] or:{ws}:events
-- ARGV: 1 message id, 2 status JSON, 3 outbox entry id, 4 final (1|0), 5 dead-letter (1|0),
--       6 conversation id, 7 status word, 8 now ms, 9 events max length, 10 channel id,
--       11 the provider's message id (when sent): indexed for its delivery callbacks, and a
--       callback that came before this record is applied now. Needs lib_delivery.lua.
-- Returns 1.

redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if ARGV[4] == '1' then
  redis.call('XACK', KEYS[2], 'senders', ARGV[3])
  redis.call('XDEL', KEYS[2], ARGV[3])
  if ARGV[5] == '1' then
    redis.call('XADD', KEYS[3], 'MAXLEN', '~', 100000, '*', 'conversation_id', ARGV[6], 'message_id', ARGV[1],
               'status', ARGV[2])
  end
  redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[9], '*', 'type', 'message.delivery', 'conversation_id', ARGV[6],
             'message_id', ARGV[1], 'status', ARGV[7], 'at', ARGV[8])
end
if ARGV[7] == 'sent' and (ARGV[11] or '') ~= '' then
  local prefix = string.sub(KEYS[2], 1, #KEYS[2] - #'outbox')
  local ref = ARGV[6] .. '|' .. ARGV[1]
  redis.call('SET', prefix .. 'provider_msg:' .. ARGV[10] .. ':' .. ARGV[11], ref, 'EX', 30 * 86400)
  local pending = prefix .. 'provider_status:' .. ARGV[10] .. ':' .. ARGV[11]
  local held = redis.call('GET', pending)
  if held then
    local p = cjson.decode(held)
    apply_status(prefix, ARGV[6], ARGV[1], p.status, p.reason or '', p.at, ARGV[9])
    redis.call('DEL', pending)
  end
end
return 1
