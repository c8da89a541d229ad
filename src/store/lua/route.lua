--! uses: lib_agent lib_sla
-- route.lua: assign (or offer) waiting conversations of one pool and medium
-- to the best agents with room, until either runs out (at most ARGV[5] at a
-- time). Atomic, so daemons routing the same pool at once never assign one
-- conversation twice nor fill an agent past capacity. Needs lib_agent.lua.
--
-- KEYS[1] or:{ws}:queue:<pool>:<medium>   KEYS[2] or:{ws}:avail:<pool>:<medium>
-- ARGV: 1 prefix, 2 queue, 3 medium, 4 now ms, 5 max assignments, 6 events max length,
--       7 sticky window ms (0: off): a returning customer goes to their last agent when that
--       agent is available with room and served them within the window,
--       8 overflow cutoff ms ("" for none): when set, KEYS[2] is the overflow queue's agents and only
--       conversations queued at or before the cutoff may go to them (most urgent band first, oldest first),
--       9 offer timeout ms (0: assign at once; else offer, to be accepted within it)
-- Returns a flat list: conv, agent, queued_at, "assigned"|"offered", …

local prefix, queue, medium, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local cutoff = tonumber(ARGV[8] or '')
local offer_timeout = tonumber(ARGV[9] or '0') or 0
local window = tonumber(ARGV[7]) or 0
local MAX_SKIPPED = 10  -- conversations every agent with room has declined, passed over per call

-- The `skip`-th next conversation to hand out: from the head, or with a cutoff the oldest
-- old-enough ones of the most urgent band.
local function next_conversation(skip)
  if not cutoff then return redis.call('ZRANGE', KEYS[1], skip, skip)[1] end
  for band = 0, 3 do
    local base = band * QUEUE_BAND
    local found = redis.call('ZRANGEBYSCORE', KEYS[1], base, base + cutoff, 'LIMIT', 0, skip + 1)
    if #found > skip then return found[skip + 1] end
    skip = skip - #found
  end
  return nil
end

-- The best agent with room for `conv` who has not declined it; nil when all of them have.
local function agent_for(conv)
  local declined = prefix .. 'conv:' .. conv .. ':declined'
  local n = redis.call('SCARD', declined)
  for _, a in ipairs(redis.call('ZRANGE', KEYS[2], 0, n)) do
    if n == 0 or redis.call('SISMEMBER', declined, a) == 0 then return a end
  end
  return nil
end

local out = {}
local skipped = 0
for _ = 1, tonumber(ARGV[5]) do
  if redis.call('ZCARD', KEYS[2]) == 0 then break end
  local conv = next_conversation(skipped)
  if not conv then break end
  local agent = agent_for(conv)
  if not agent then
    skipped = skipped + 1
    if skipped > MAX_SKIPPED then break end
  else
    if window > 0 then
      local contact = redis.call('HGET', prefix .. 'conv:' .. conv, 'contact')
      local last = redis.call('HMGET', prefix .. 'contact:' .. contact, 'last_agent', 'last_agent_at')
      if last[1] and last[1] ~= agent and tonumber(now) - (tonumber(last[2]) or 0) <= window
         and redis.call('ZSCORE', KEYS[2], last[1])
         and redis.call('SISMEMBER', prefix .. 'conv:' .. conv .. ':declined', last[1]) == 0 then
        agent = last[1]
      end
    end
    local queued_at, kind
    if offer_timeout > 0 then
      queued_at = offer(prefix, conv, agent, queue, medium, now, tonumber(now) + offer_timeout, ARGV[6])
      kind = 'offered'
    else
      queued_at = assign(prefix, conv, agent, queue, medium, now, ARGV[6])
      kind = 'assigned'
    end
    out[#out + 1] = conv
    out[#out + 1] = agent
    out[#out + 1] = queued_at
    out[#out + 1] = kind
  end
end
return out
