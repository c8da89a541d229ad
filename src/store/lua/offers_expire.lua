--! uses: lib_agent lib_sla
-- offers_expire.lua: offers not accepted in time go to the next agent; the
-- agent who let one lapse is set away (they are evidently not at their desk)
-- and is not offered that conversation again for 10 minutes. Each expiry
-- happens once, whichever daemon instance runs this first. Needs lib_agent.lua.
--
--! args: prefix now events_max limit
--! returns each: conversation agent queue
-- a_limit: at most this many offers
-- Returns a flat list: conv, agent, queue, …

local prefix, now = a_prefix, a_now
local out = {}
for _, conv in ipairs(redis.call('ZRANGEBYSCORE', K.offers(prefix), '-inf', now, 'LIMIT', 0, tonumber(a_limit))) do
  local queue = redis.call('HGET', K.conversation(prefix, conv), 'queue')
  local agent = end_offer(prefix, conv, now, a_events_max, 'conversation.offer_expired', true)
  if agent then
    local akey = K.agent(prefix, agent)
    if redis.call('HGET', akey, 'status') == 'available' then
      redis.call('HSET', akey, 'status', 'away', 'status_at', now)
      withdraw_offers(prefix, agent, now, a_events_max)
      refresh_agent_all(prefix, agent)
      redis.call('XADD', K.events(prefix), 'MAXLEN', '~', a_events_max, '*', 'type', 'agent.status', 'agent', agent,
                 'status', 'away', 'reason', 'offer_missed', 'at', now)
    end
    out[#out + 1] = conv
    out[#out + 1] = agent
    out[#out + 1] = queue or ''
  end
end
return out
