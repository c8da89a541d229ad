-- lib_agent.lua: prepended to every script that changes an agent's load or
-- presence. Keeps or:{ws}:avail:<queue>:<medium> (the agents who can take
-- one more conversation of that medium from that queue) in step with the
-- agent hash, so assignment takes the best agent with ZRANGE 0 0, never a scan.

local function agent_score(prefix, queue, load, last_assigned)
  local strategy = redis.call('HGET', prefix .. 'queues', queue) or 'least_busy'
  local last = tonumber(last_assigned) or 0
  if strategy == 'least_busy' then
    -- Fewest open conversations first; among equals, the one who waited longest.
    return load * 10000000000000 + last
  end
  -- round_robin and longest_idle: whoever was assigned least recently.
  return last
end

local function refresh_agent(prefix, agent, medium)
  local a = redis.call('HMGET', prefix .. 'agent:' .. agent, 'status', 'cap:' .. medium, 'load:' .. medium,
                       'last_assigned_at')
  local cap = tonumber(a[2]) or 0
  local load = tonumber(a[3]) or 0
  local has_room = a[1] == 'available' and load < cap
  for _, queue in ipairs(redis.call('SMEMBERS', prefix .. 'agent:' .. agent .. ':queues')) do
    local key = prefix .. 'avail:' .. queue .. ':' .. medium
    if has_room then
      redis.call('ZADD', key, agent_score(prefix, queue, load, a[4]), agent)
    else
      redis.call('ZREM', key, agent)
    end
  end
end

local function refresh_agent_all(prefix, agent)
  for _, medium in ipairs({'sms', 'chat', 'email'}) do refresh_agent(prefix, agent, medium) end
end

-- Takes `conv` off its agent (load, set of open conversations) without touching its state.
local function release_from_agent(prefix, conv, agent, medium)
  if agent == nil or agent == '' then return end
  local akey = prefix .. 'agent:' .. agent
  if redis.call('SREM', akey .. ':convs', conv) == 1 then
    if tonumber(redis.call('HINCRBY', akey, 'load:' .. medium, -1)) < 0 then
      redis.call('HSET', akey, 'load:' .. medium, 0)
    end
  end
  refresh_agent(prefix, agent, medium)
end

-- Gives `conv` (medium `medium`, waiting in `queue`) to `agent`; returns its queued_at.
local function assign(prefix, conv, agent, queue, medium, now, events_max)
  local ckey = prefix .. 'conv:' .. conv
  redis.call('HSET', ckey, 'state', 'assigned', 'agent', agent, 'assigned_at', now)
  redis.call('ZREM', prefix .. 'queue:' .. queue, conv)
  redis.call('ZREM', prefix .. 'queue:' .. queue .. ':' .. medium, conv)
  local akey = prefix .. 'agent:' .. agent
  redis.call('HINCRBY', akey, 'load:' .. medium, 1)
  redis.call('HSET', akey, 'last_assigned_at', now)
  redis.call('SADD', akey .. ':convs', conv)
  redis.call('HSET', prefix .. 'contact:' .. redis.call('HGET', ckey, 'contact'), 'last_agent', agent,
             'last_agent_at', now)
  refresh_agent(prefix, agent, medium)
  redis.call('XADD', prefix .. 'events', 'MAXLEN', '~', events_max, '*', 'type', 'conversation.assigned',
             'conversation_id', conv, 'agent', agent, 'queue', queue, 'at', now)
  return redis.call('HGET', ckey, 'queued_at')
end

-- Puts `conv` back in `queue` at its original age (its score keeps queued_at).
local function enqueue(prefix, conv, queue, medium, score)
  redis.call('ZADD', prefix .. 'queue:' .. queue, score, conv)
  redis.call('ZADD', prefix .. 'queue:' .. queue .. ':' .. medium, score, conv)
end
