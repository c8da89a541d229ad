-- lib_sla.lua: SLA bookkeeping shared by the scripts that answer or close a
-- conversation. Prepended (with lib_agent.lua) to the scripts that need it.
--
-- Deadlines live in or:{ws}:sla as '<target>:<conv>' (breach) and
-- '<target>:warn:<conv>' (warning), target = first_response | next_response |
-- resolution. A fired warning puts '<target>:<conv>' in or:{ws}:sla_at_risk
-- (score: when it breaches); a breach moves it to or:{ws}:sla_breached (score:
-- when it was due). A customer message left unanswered after an agent's reply
-- waits in or:{ws}:sla_start (score: since when) until the monitor sets its
-- next-response deadline.

-- Drops every trace of `targets` for `conv`: pending deadlines, at risk, breached.
local function clear_sla(prefix, conv, targets)
  for _, t in ipairs(targets) do
    redis.call('ZREM', K.sla(prefix), t .. ':' .. conv, t .. ':warn:' .. conv)
    redis.call('ZREM', K.sla_at_risk(prefix), t .. ':' .. conv)
    redis.call('ZREM', K.sla_breached(prefix), t .. ':' .. conv)
  end
end

-- An agent answered `conv`: its first-response and next-response clocks stop.
local function sla_answered(prefix, conv)
  clear_sla(prefix, conv, {'first_response', 'next_response'})
  redis.call('ZREM', K.sla_start(prefix), conv)
  redis.call('HSET', K.conversation(prefix, conv), 'awaiting_since', '')
end

-- `conv` is closed: every clock stops.
local function sla_closed(prefix, conv)
  clear_sla(prefix, conv, {'first_response', 'next_response', 'resolution'})
  redis.call('ZREM', K.sla_start(prefix), conv)
end
