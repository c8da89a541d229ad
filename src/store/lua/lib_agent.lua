-- lib_agent.lua: prepended to every script that changes an agent's load or
-- presence. Keeps or:{ws}:avail:<pool>:<medium> (the agents who can take
-- one more conversation of that medium from that pool) in step with the
-- agent hash, so assignment takes the best agent with ZRANGE 0 0, never a scan.
-- A pool is a queue narrowed by required skills: "general", "general+te"
-- (src/routing/pools.hpp); agent:<id>:queues lists the pools an agent serves.

local PRIORITY_BANDS = {urgent = 0, high = 1, normal = 2, low = 3}
-- A queue score is band * QUEUE_BAND + queued_at ms: 1e13 ms is ~317 years, so bands never
-- overlap and the sum stays exact in a double (conversation_store.hpp, kQueueBand, says the same).
local QUEUE_BAND = 10000000000000

-- The score of a conversation of `priority` queued at `queued_at` ms, as Redis takes it.
local function queue_score(priority, queued_at)
  return string.format('%.0f', (PRIORITY_BANDS[priority] or 2) * QUEUE_BAND + queued_at)
end

-- The pool a conversation waits in: its queue, plus its required skills.
local function pool_of(queue, skills)
  if skills == nil or skills == false or skills == '' then return queue end
  return queue .. '+' .. skills
end

local function agent_score(prefix, pool, load, last_assigned)
  local queue = string.match(pool, '^[^+]+')
  local strategy = redis.call('HGET', K.queues(prefix), queue) or 'least_busy'
  local last = tonumber(last_assigned) or 0
  if strategy == 'least_busy' then
    -- Fewest open conversations first; among equals, the one who waited longest.
    return load * QUEUE_BAND + last  -- a load step outweighs any last-assignment time, as a band does
  end
  -- round_robin and longest_idle: whoever was assigned least recently.
  return last
end

local MEDIA = {'sms', 'chat', 'email'}

-- Puts the agent in (or out of) the with-room set of every pool and medium they serve. An agent's
-- load is one number across media (open conversations and held offers of every kind): a change in
-- one medium moves their score in the others too, so least_busy never takes an agent busy with a
-- chat for "idle" in the SMS pool. `medium` is kept for callers; every medium is refreshed.
local function refresh_agent(prefix, agent, medium)
  local a = redis.call('HMGET', K.agent(prefix, agent), 'status', 'last_assigned_at',
                       'cap:sms', 'load:sms', 'cap:chat', 'load:chat', 'cap:email', 'load:email')
  local total = 0
  for i = 1, #MEDIA do total = total + math.max(0, tonumber(a[2 + 2 * i]) or 0) end
  local queues = redis.call('SMEMBERS', K.agent_pools(prefix, agent))
  for i, m in ipairs(MEDIA) do
    local cap, load = tonumber(a[1 + 2 * i]) or 0, tonumber(a[2 + 2 * i]) or 0
    local has_room = a[1] == 'available' and load < cap
    for _, queue in ipairs(queues) do
      local key = K.available(prefix, queue, m)
      if has_room then
        redis.call('ZADD', key, agent_score(prefix, queue, total, a[2]), agent)
      else
        redis.call('ZREM', key, agent)
      end
    end
  end
end

local function refresh_agent_all(prefix, agent) refresh_agent(prefix, agent, nil) end

-- Takes `conv` out of the agent's set `held` (their conversations or offers), giving its place back.
local function remove_held(akey, held, conv, medium)
  if redis.call('SREM', held, conv) == 1 then
    if tonumber(redis.call('HINCRBY', akey, 'load:' .. medium, -1)) < 0 then
      redis.call('HSET', akey, 'load:' .. medium, 0)
    end
  end
end

-- Takes `conv` off its agent (load, set of open conversations) without touching its state.
local function release_from_agent(prefix, conv, agent, medium)
  if agent == nil or agent == '' then return end
  remove_held(K.agent(prefix, agent), K.agent_conversations(prefix, agent), conv, medium)
  refresh_agent(prefix, agent, medium)
end

-- Gives `conv` (medium `medium`, waiting in `queue`) to `agent`; returns its queued_at.
-- `reserved`: the agent accepted an offer, whose place in their capacity is already counted.
local function assign(prefix, conv, agent, queue, medium, now, events_max, reserved)
  local ckey = K.conversation(prefix, conv)
  redis.call('HSET', ckey, 'state', 'assigned', 'agent', agent, 'assigned_at', now)
  redis.call('ZREM', K.queue(prefix, queue), conv)
  redis.call('ZREM', K.waiting(prefix, pool_of(queue, redis.call('HGET', ckey, 'skills')), medium), conv)
  local akey = K.agent(prefix, agent)
  if not reserved then
    redis.call('HINCRBY', akey, 'load:' .. medium, 1)
    redis.call('HSET', akey, 'last_assigned_at', now)
  end
  redis.call('SADD', K.agent_conversations_of(akey), conv)
  redis.call('HSET', K.contact(prefix, redis.call('HGET', ckey, 'contact')), 'last_agent', agent,
             'last_agent_at', now)
  refresh_agent(prefix, agent, medium)
  redis.call('XADD', K.events(prefix), 'MAXLEN', '~', events_max, '*', 'type', 'conversation.assigned',
             'conversation_id', conv, 'agent', agent, 'queue', queue, 'at', now)
  return redis.call('HGET', ckey, 'queued_at')
end

-- Puts `conv` back in `queue` at its original age (its score keeps queued_at).
local function enqueue(prefix, conv, queue, medium, score)
  local skills = redis.call('HGET', K.conversation(prefix, conv), 'skills')
  redis.call('ZADD', K.queue(prefix, queue), score, conv)
  redis.call('ZADD', K.waiting(prefix, pool_of(queue, skills), medium), score, conv)
end

-- Takes `conv` out of its queue's waiting sets.
local function dequeue(prefix, conv, queue, medium)
  local skills = redis.call('HGET', K.conversation(prefix, conv), 'skills')
  redis.call('ZREM', K.queue(prefix, queue), conv)
  redis.call('ZREM', K.waiting(prefix, pool_of(queue, skills), medium), conv)
end

-- Every open conversation of `agent` goes back to its queue at its original age
-- (the agent went offline or was removed). Emits conversation.requeued with `reason`.
local function requeue_all(prefix, agent, now, events_max, reason)
  local akey = K.agent(prefix, agent)
  for _, conv in ipairs(redis.call('SMEMBERS', K.agent_conversations_of(akey))) do
    local c = redis.call('HMGET', K.conversation(prefix, conv), 'queue', 'medium', 'priority', 'queued_at', 'state')
    local medium = c[2] or 'chat'
    release_from_agent(prefix, conv, agent, medium)
    if c[5] == 'assigned' then
      redis.call('HSET', K.conversation(prefix, conv), 'state', 'queued', 'agent', '')
      enqueue(prefix, conv, c[1], medium, queue_score(c[3], tonumber(c[4]) or tonumber(now)))
      redis.call('XADD', K.events(prefix), 'MAXLEN', '~', events_max, '*', 'type', 'conversation.requeued',
                 'conversation_id', conv, 'from_agent', agent, 'queue', c[1], 'reason', reason, 'at', now)
    end
  end
end

-- Offer mode (a queue's offer_timeout). An offered conversation leaves its pool's waiting set
-- (so nobody else is offered it) but stays in queue:<queue> (it still waits, for depth and age);
-- the agent's capacity holds a place for it until they accept, decline, or the offer expires.

-- Offers `conv` to `agent` until `expires` (ms).
local function offer(prefix, conv, agent, queue, medium, now, expires, events_max)
  local ckey = K.conversation(prefix, conv)
  redis.call('ZREM', K.waiting(prefix, pool_of(queue, redis.call('HGET', ckey, 'skills')), medium), conv)
  redis.call('HSET', ckey, 'offered_to', agent, 'offer_expires_at', expires)
  local akey = K.agent(prefix, agent)
  redis.call('HINCRBY', akey, 'load:' .. medium, 1)
  redis.call('HSET', akey, 'last_assigned_at', now)
  redis.call('SADD', K.agent_offers_of(akey), conv)
  redis.call('ZADD', K.offers(prefix), expires, conv)
  refresh_agent(prefix, agent, medium)
  redis.call('XADD', K.events(prefix), 'MAXLEN', '~', events_max, '*', 'type', 'conversation.offered',
             'conversation_id', conv, 'agent', agent, 'queue', queue, 'expires_at', expires, 'at', now)
  return redis.call('HGET', ckey, 'queued_at')
end

-- Ends the offer of `conv` (to its offered agent): frees the held place and, unless the
-- conversation is being resolved, puts it back in its pool's waiting set at its original age.
-- `outcome` is the event type: conversation.offer_declined, offer_expired or offer_withdrawn.
-- A declining (or absent) agent is not offered the conversation again for 10 minutes.
local function end_offer(prefix, conv, now, events_max, outcome, requeue)
  local ckey = K.conversation(prefix, conv)
  local c = redis.call('HMGET', ckey, 'offered_to', 'queue', 'medium', 'priority', 'queued_at')
  local agent, queue, medium = c[1], c[2], c[3] or 'chat'
  redis.call('ZREM', K.offers(prefix), conv)
  if not agent or agent == '' then return nil end
  redis.call('HDEL', ckey, 'offered_to', 'offer_expires_at')
  remove_held(K.agent(prefix, agent), K.agent_offers(prefix, agent), conv, medium)
  refresh_agent(prefix, agent, medium)
  if outcome ~= 'conversation.offer_withdrawn' then
    redis.call('SADD', K.declined_of(ckey), agent)
    redis.call('PEXPIRE', K.declined_of(ckey), 600000)
  end
  if requeue then
    enqueue(prefix, conv, queue, medium, queue_score(c[4], tonumber(c[5]) or tonumber(now)))
  end
  redis.call('XADD', K.events(prefix), 'MAXLEN', '~', events_max, '*', 'type', outcome,
             'conversation_id', conv, 'agent', agent, 'queue', queue, 'at', now)
  return agent
end

-- Withdraws every offer held by `agent` (they went away, offline, or were removed).
local function withdraw_offers(prefix, agent, now, events_max)
  for _, conv in ipairs(redis.call('SMEMBERS', K.agent_offers(prefix, agent))) do
    end_offer(prefix, conv, now, events_max, 'conversation.offer_withdrawn', true)
  end
end
