-- sla_schedule.lua: set the next-response deadlines the monitor computed for
-- clocks read by sla_starts.lua. A clock stopped (answered) or restarted
-- since is left alone: its entry in or:{ws}:sla_start is gone or changed.
-- Any instance may run it for the same clock; only the first sets anything.
--
--! args: prefix
--! rest: clocks
-- then (rest) per clock: conv, since ms (as read), due ms ("" none), warning ms
--! returns: scheduled:integer
-- scheduled: how many deadlines were set.

local prefix = a_prefix
local set = 0
for i = REST_FROM, #ARGV, 4 do
  local conv, since, due, warn = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  local score = redis.call('ZSCORE', K.sla_start(prefix), conv)
  if score and tonumber(score) == tonumber(since) then
    redis.call('ZREM', K.sla_start(prefix), conv)
    if due ~= '' then
      redis.call('ZADD', K.sla(prefix), due, 'next_response:' .. conv, warn, 'next_response:warn:' .. conv)
      set = set + 1
    end
  end
end
return {set}
