--! uses: lib_agent lib_sla
-- offers_expire.lua: offers not accepted in time go to the next agent; the
-- agent who let one lapse is set away (they are evidently not at their desk)
-- and is not offered that conversation again for 10 minutes. Each expiry
-- happens once, whichever daemon instance runs this first. Needs lib_agent.lua.
--
-- ARGV: 1 prefix, 2 now ms, 3 events max length, 4 at most this many
-- Returns a flat list: conv, agent, queue, …

local prefix, now = ARGV[1], ARGV[2]
local out = {}
for _, conv in ipairs(redis.call('ZRANGEBYSCORE', prefix .. 'offers', '-inf', now, 'LIMIT', 0, tonumber(ARGV[4]))) do
  local queue = redis.call('HGET', prefix .. 'conv:' .. conv, 'queue')
  local agent = end_offer(prefix, conv, now, ARGV[3], 'conversation.offer_expired', true)
  if agent then
    local akey = prefix .. 'agent:' .. agent
    if redis.call('HGET', akey, 'status') == 'available' then
      redis.call('HSET', akey, 'status', 'away', 'status_at', now)
      withdraw_offers(prefix, agent, now, ARGV[3])
      refresh_agent_all(prefix, agent)
      redis.call('XADD', prefix .. 'events', 'MAXLEN', '~', ARGV[3], '*', 'type', 'agent.status', 'agent', agent,
                 'status', 'away', 'reason', 'offer_missed', 'at', now)
    end
    out[#out + 1] = conv
    out[#out + 1] = agent
    out[#out + 1] = queue or ''
  end
end
return out
