--! uses: lib_agent lib_sla
-- presence_sweep.lua: agents whose event socket dropped go offline after a
-- grace period, and their open conversations go back to their queues at
-- their original age. An agent who never used a socket (REST only) is never
-- forced offline. Sockets are members of agent:<id>:sockets scored with an
-- expiry the live session keeps pushing forward, so a crashed daemon's
-- sockets lapse by themselves. Needs lib_agent.lua.
--
--! args: prefix now grace events_max
-- a_grace ms; every agent in or:{ws}:agents is checked
--! returns: agents:list
-- agents: the ids of the agents set offline.

local prefix, now, grace = a_prefix, tonumber(a_now), tonumber(a_grace)
local out = {}
for _, agent in ipairs(redis.call('SMEMBERS', K.agents(prefix))) do
  local akey = K.agent(prefix, agent)
  if redis.call('HGET', akey, 'uses_socket') == '1' then
    redis.call('ZREMRANGEBYSCORE', K.agent_sockets_of(akey), '-inf', now)
    if redis.call('ZCARD', K.agent_sockets_of(akey)) > 0 then
      redis.call('HDEL', akey, 'socket_lost_at')
    else
      local lost = tonumber(redis.call('HGET', akey, 'socket_lost_at'))
      if not lost then
        redis.call('HSET', akey, 'socket_lost_at', now)
      elseif now - lost >= grace then
        redis.call('HSET', akey, 'status', 'offline', 'status_at', now)
        redis.call('HDEL', akey, 'uses_socket', 'socket_lost_at')
        withdraw_offers(prefix, agent, now, a_events_max)
        requeue_all(prefix, agent, now, a_events_max, 'socket_lost')
        refresh_agent_all(prefix, agent)
        redis.call('XADD', K.events(prefix), 'MAXLEN', '~', a_events_max, '*', 'type', 'agent.status', 'agent', agent,
                   'status', 'offline', 'reason', 'socket_lost', 'at', now)
        out[#out + 1] = agent
      end
    end
  end
end
return {out}
