-- route.lua: assign waiting conversations of one queue and medium to the
-- best agents with room, until either runs out (at most ARGV[5] at a time).
-- Atomic, so daemons routing the same queue at once never assign one
-- conversation twice nor fill an agent past capacity.
--
-- KEYS[1] or:{ws}:queue:<queue>:<medium>   KEYS[2] or:{ws}:avail:<queue>:<medium>
-- ARGV: 1 prefix, 2 queue, 3 medium, 4 now ms, 5 max assignments, 6 events max length,
--       7 sticky window ms (0: off): a returning customer goes to their last agent when that
--       agent is available with room and served them within the window,
--       8 overflow cutoff ms ("" for none): when set, KEYS[2] is the overflow queue's agents and only
--       conversations queued at or before the cutoff may go to them (most urgent band first, oldest first)
-- Returns a flat list: conv, agent, queued_at, conv, agent, queued_at, …

local prefix, queue, medium, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local cutoff = tonumber(ARGV[8] or '')

-- The next conversation to hand out: the head, or with a cutoff the oldest old-enough one of the most urgent band.
local function next_conversation()
  if not cutoff then return redis.call('ZRANGE', KEYS[1], 0, 0)[1] end
  for band = 0, 3 do
    local base = band * 10000000000000
    local c = redis.call('ZRANGEBYSCORE', KEYS[1], base, base + cutoff, 'LIMIT', 0, 1)[1]
    if c then return c end
  end
  return nil
end

local out = {}
for _ = 1, tonumber(ARGV[5]) do
  local conv = next_conversation()
  if not conv then break end
  local agent = redis.call('ZRANGE', KEYS[2], 0, 0)[1]
  if not agent then break end
  local window = tonumber(ARGV[7]) or 0
  if window > 0 then
    local contact = redis.call('HGET', prefix .. 'conv:' .. conv, 'contact')
    local last = redis.call('HMGET', prefix .. 'contact:' .. contact, 'last_agent', 'last_agent_at')
    if last[1] and last[1] ~= agent and tonumber(now) - (tonumber(last[2]) or 0) <= window
       and redis.call('ZSCORE', KEYS[2], last[1]) then
      agent = last[1]
    end
  end
  local queued_at = assign(prefix, conv, agent, queue, medium, now, ARGV[6])
  out[#out + 1] = conv
  out[#out + 1] = agent
  out[#out + 1] = queued_at
end
return out
