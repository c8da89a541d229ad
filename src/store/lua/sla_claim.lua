-- sla_claim.lua: fire the SLA deadlines that are due, each exactly once
-- across any number of daemon instances: a deadline is taken off or:{ws}:sla
-- and its alert appended to or:{ws}:alerts in one step. A deadline whose clock
-- has stopped (answered, resolved) is dropped without an alert. Warnings put
-- the conversation at risk, breaches mark it breached (lib_sla.lua).
--
-- Members: '<target>:warn:<conv>' (warning) and '<target>:<conv>' (breach);
-- target = first_response | next_response | resolution.
--! args: prefix now limit late_after alerts_max
--! returns each: stage queue
-- a_limit: at most this many; a_late_after ms: fired this long after its time, the daemons were down
-- Returns a flat list: kind (warning|breached), queue, …  (for metrics)

local prefix, now = a_prefix, tonumber(a_now)
local out = {}
local due = redis.call('ZRANGEBYSCORE', K.sla(prefix), '-inf', now, 'WITHSCORES', 'LIMIT', 0, tonumber(a_limit))
for i = 1, #due, 2 do
  local member, at = due[i], tonumber(due[i + 1])
  redis.call('ZREM', K.sla(prefix), member)
  local stage, target, conv = 'warning', string.match(member, '^([%w_]+):warn:(.+)$')
  if not target then
    stage = 'breached'
    target, conv = string.match(member, '^([%w_]+):(.+)$')
  end
  if conv then
    local c = redis.call('HMGET', K.conversation(prefix, conv), 'state', 'queue', 'channel', 'first_response_at',
                         'created_at', 'priority', 'contact', 'awaiting_since')
    local running = c[1] and c[1] ~= 'resolved'
    local started = c[5]
    if target == 'first_response' then
      running = running and (c[4] == false or c[4] == '')
    elseif target == 'next_response' then
      running = running and c[8] and c[8] ~= ''
      started = c[8]
    end
    if running then
      local key = target .. ':' .. conv
      if stage == 'warning' then
        local breach = redis.call('ZSCORE', K.sla(prefix), key)
        if breach then redis.call('ZADD', K.sla_at_risk(prefix), breach, key) end
      else
        redis.call('ZREM', K.sla_at_risk(prefix), key)
        redis.call('ZADD', K.sla_breached(prefix), at, key)
      end
      redis.call('XADD', K.alerts(prefix), 'MAXLEN', '~', a_alerts_max, '*', 'type', 'sla.' .. stage, 'target', target,
                 'conversation_id', conv, 'queue', c[2] or '', 'channel', c[3] or '', 'priority', c[6] or 'normal',
                 'contact', c[7] or '', 'started_at', started or '', 'due_at', string.format('%.0f', at),
                 'fired_at', a_now, 'late', (now - at > tonumber(a_late_after)) and '1' or '0')
      out[#out + 1] = stage
      out[#out + 1] = c[2] or ''
    end
  end
end
return out
