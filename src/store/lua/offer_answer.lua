--! uses: lib_agent lib_sla
-- offer_answer.lua: an agent accepts or declines a conversation offered to them.
-- Needs lib_agent.lua.
--
-- KEYS[1] or:{ws}:conv:<id>
-- ARGV: 1 prefix, 2 agent, 3 "accept" or "decline", 4 now ms, 5 events max length
-- Returns {"accepted", queue, medium, queued_at}, {"declined", queue, medium}, or
-- {"not_found"|"resolved"|"not_offered"|"expired"}.

local prefix, agent, answer, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local c = redis.call('HMGET', KEYS[1], 'id', 'state', 'offered_to', 'offer_expires_at', 'queue', 'medium')
if not c[1] then return {'not_found'} end
if c[2] == 'resolved' then return {'resolved'} end
if c[3] ~= agent then return {'not_offered'} end
local conv, queue, medium = c[1], c[5], c[6] or 'chat'
if tonumber(c[4] or '0') < tonumber(now) then
  -- Too late: it goes on to the next agent (as the sweep would do).
  end_offer(prefix, conv, now, ARGV[5], 'conversation.offer_expired', true)
  return {'expired'}
end
if answer == 'decline' then
  end_offer(prefix, conv, now, ARGV[5], 'conversation.offer_declined', true)
  return {'declined', queue, medium}
end
redis.call('ZREM', prefix .. 'offers', conv)
redis.call('SREM', prefix .. 'agent:' .. agent .. ':offers', conv)
redis.call('HDEL', KEYS[1], 'offered_to', 'offer_expires_at')
local queued_at = assign(prefix, conv, agent, queue, medium, now, ARGV[5], true)
return {'accepted', queue, medium, queued_at}
