--! uses: lib_agent lib_sla
-- route.lua: assign (or offer) waiting conversations of one pool and medium
-- to the best agents with room, until either runs out (at most a_max_assignments at a
-- time). Atomic, so daemons routing the same pool at once never assign one
-- conversation twice nor fill an agent past capacity. Needs lib_agent.lua.
--
--! keys: waiting avail
--! args: prefix queue medium now max_assignments events_max sticky_window cutoff offer_timeout
--! returns each: conversation agent queued_at:integer mode
-- k_waiting or:{ws}:queue:<pool>:<medium>   k_avail or:{ws}:avail:<pool>:<medium>
-- a_sticky_window ms (0: off): a returning customer goes to their last agent when that agent is available
--   with room and served them within the window,
-- a_cutoff ms ("" for none): when set, k_avail is the overflow queue's agents and only conversations queued
--   at or before the cutoff may go to them (most urgent band first, oldest first),
-- a_offer_timeout ms (0: assign at once; else offer, to be accepted within it)
-- Returns a flat list: conv, agent, queued_at, "assigned"|"offered", …

local prefix, queue, medium, now = a_prefix, a_queue, a_medium, a_now
local cutoff = tonumber(a_cutoff or '')
local offer_timeout = tonumber(a_offer_timeout or '0') or 0
local window = tonumber(a_sticky_window) or 0
local MAX_SKIPPED = 10  -- conversations every agent with room has declined, passed over per call

-- The `skip`-th next conversation to hand out: from the head, or with a cutoff the oldest
-- old-enough ones of the most urgent band.
local function next_conversation(skip)
  if not cutoff then return redis.call('ZRANGE', k_waiting, skip, skip)[1] end
  for band = 0, 3 do
    local base = band * QUEUE_BAND
    local found = redis.call('ZRANGEBYSCORE', k_waiting, base, base + cutoff, 'LIMIT', 0, skip + 1)
    if #found > skip then return found[skip + 1] end
    skip = skip - #found
  end
  return nil
end

-- The best agent with room for `conv` who has not declined it; nil when all of them have.
local function agent_for(conv)
  local declined = K.declined(prefix, conv)
  local n = redis.call('SCARD', declined)
  for _, a in ipairs(redis.call('ZRANGE', k_avail, 0, n)) do
    if n == 0 or redis.call('SISMEMBER', declined, a) == 0 then return a end
  end
  return nil
end

local out = {}
local skipped = 0
for _ = 1, tonumber(a_max_assignments) do
  if redis.call('ZCARD', k_avail) == 0 then break end
  local conv = next_conversation(skipped)
  if not conv then break end
  local agent = agent_for(conv)
  if not agent then
    skipped = skipped + 1
    if skipped > MAX_SKIPPED then break end
  else
    if window > 0 then
      local contact = redis.call('HGET', K.conversation(prefix, conv), 'contact')
      local last = redis.call('HMGET', K.contact(prefix, contact), 'last_agent', 'last_agent_at')
      if last[1] and last[1] ~= agent and tonumber(now) - (tonumber(last[2]) or 0) <= window
         and redis.call('ZSCORE', k_avail, last[1])
         and redis.call('SISMEMBER', K.declined(prefix, conv), last[1]) == 0 then
        agent = last[1]
      end
    end
    local queued_at, kind
    if offer_timeout > 0 then
      queued_at = offer(prefix, conv, agent, queue, medium, now, tonumber(now) + offer_timeout, a_events_max)
      kind = 'offered'
    else
      queued_at = assign(prefix, conv, agent, queue, medium, now, a_events_max)
      kind = 'assigned'
    end
    out[#out + 1] = conv
    out[#out + 1] = agent
    out[#out + 1] = queued_at
    out[#out + 1] = kind
  end
end
return out
