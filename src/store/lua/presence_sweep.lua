-- presence_sweep.lua: agents whose event socket dropped go offline after a
-- grace period, and their open conversations go back to their queues at
-- their original age. An agent who never used a socket (REST only) is never
-- forced offline. Sockets are members of agent:<id>:sockets scored with an
-- expiry the live session keeps pushing forward, so a crashed daemon's
-- sockets lapse by themselves. Needs lib_agent.lua.
--
-- ARGV: 1 prefix, 2 now ms, 3 grace ms, 4 events max length, 5… agent ids
-- Returns the ids of the agents set offline.

local prefix, now, grace = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local bands = {low = 3, normal = 2, high = 1, urgent = 0}
local out = {}
for i = 5, #ARGV do
  local agent = ARGV[i]
  local akey = prefix .. 'agent:' .. agent
  if redis.call('HGET', akey, 'uses_socket') == '1' then
    redis.call('ZREMRANGEBYSCORE', akey .. ':sockets', '-inf', now)
    if redis.call('ZCARD', akey .. ':sockets') > 0 then
      redis.call('HDEL', akey, 'socket_lost_at')
    else
      local lost = tonumber(redis.call('HGET', akey, 'socket_lost_at'))
      if not lost then
        redis.call('HSET', akey, 'socket_lost_at', now)
      elseif now - lost >= grace then
        redis.call('HSET', akey, 'status', 'offline', 'status_at', now)
        redis.call('HDEL', akey, 'uses_socket', 'socket_lost_at')
        for _, conv in ipairs(redis.call('SMEMBERS', akey .. ':convs')) do
          local c = redis.call('HMGET', prefix .. 'conv:' .. conv, 'queue', 'medium', 'priority', 'queued_at', 'state')
          local medium = c[2] or 'chat'
          release_from_agent(prefix, conv, agent, medium)
          if c[5] == 'assigned' then
            redis.call('HSET', prefix .. 'conv:' .. conv, 'state', 'queued', 'agent', '')
            local score = (bands[c[3]] or 2) * 10000000000000 + (tonumber(c[4]) or now)
            enqueue(prefix, conv, c[1], medium, string.format('%.0f', score))
            redis.call('XADD', prefix .. 'events', 'MAXLEN', '~', ARGV[4], '*', 'type', 'conversation.requeued',
                       'conversation_id', conv, 'from_agent', agent, 'queue', c[1], 'at', now)
          end
        end
        refresh_agent_all(prefix, agent)
        redis.call('XADD', prefix .. 'events', 'MAXLEN', '~', ARGV[4], '*', 'type', 'agent.status', 'agent', agent,
                   'status', 'offline', 'reason', 'socket_lost', 'at', now)
        out[#out + 1] = agent
      end
    end
  end
end
return out
