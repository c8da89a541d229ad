--! uses: lib_agent lib_sla
-- offer_answer.lua: an agent accepts or declines a conversation offered to them.
-- Needs lib_agent.lua.
--
--! uses: lib_conv
--! keys: conv
--! args: prefix agent answer now events_max
--! status: not_found
--! status: resolved
--! status: not_offered
--! status: expired
--! status: declined queue medium
--! status: accepted queue medium queued_at:integer
-- k_conv or:{ws}:conv:<id>; a_answer "accept" or "decline".
-- Returns {"accepted", queue, medium, queued_at}, {"declined", queue, medium}, or
-- {"not_found"|"resolved"|"not_offered"|"expired"}.

local prefix, agent, now = a_prefix, a_agent, a_now
local c = load_fields(k_conv, 'id', 'state', 'offered_to', 'offer_expires_at', 'queue', 'medium')
if not c.id then return {'not_found'} end
if c.state == 'resolved' then return {'resolved'} end
if c.offered_to ~= agent then return {'not_offered'} end
local conv, queue, medium = c.id, c.queue, c.medium or 'chat'
if tonumber(c.offer_expires_at or '0') < tonumber(now) then
  -- Too late: it goes on to the next agent (as the sweep would do).
  end_offer(prefix, conv, now, a_events_max, 'conversation.offer_expired', true)
  return {'expired'}
end
if a_answer == 'decline' then
  end_offer(prefix, conv, now, a_events_max, 'conversation.offer_declined', true)
  return {'declined', queue, medium}
end
redis.call('ZREM', K.offers(prefix), conv)
redis.call('SREM', K.agent_offers(prefix, agent), conv)
redis.call('HDEL', k_conv, 'offered_to', 'offer_expires_at')
local queued_at = assign(prefix, conv, agent, queue, medium, now, a_events_max, true)
return {'accepted', queue, medium, queued_at}
