-- sla_claim.lua: fire the SLA deadlines that are due, each exactly once
-- across any number of daemon instances: a deadline is taken off or:{ws}:sla
-- and its alert appended to or:{ws}:alerts in one step. A deadline of a
-- conversation already answered or resolved is dropped without an alert.
--
-- ARGV: 1 prefix, 2 now ms, 3 at most this many, 4 late after ms (fired this long after its
--       time: daemons were down), 5 alerts stream max length
-- Returns a flat list: type, queue, …  (for metrics)

local prefix, now = ARGV[1], tonumber(ARGV[2])
local out = {}
local due = redis.call('ZRANGEBYSCORE', prefix .. 'sla', '-inf', now, 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[3]))
for i = 1, #due, 2 do
  local member, at = due[i], tonumber(due[i + 1])
  redis.call('ZREM', prefix .. 'sla', member)
  local stage, conv = 'breached', string.match(member, '^first_response:warn:(.+)$')
  if conv then stage = 'warning' else conv = string.match(member, '^first_response:(.+)$') end
  if conv then
    local c = redis.call('HMGET', prefix .. 'conv:' .. conv, 'state', 'queue', 'channel', 'first_response_at',
                         'created_at', 'priority', 'contact')
    if c[1] and c[1] ~= 'resolved' and (c[4] == false or c[4] == '') then
      local kind = 'sla.' .. stage
      redis.call('XADD', prefix .. 'alerts', 'MAXLEN', '~', ARGV[5], '*', 'type', kind, 'conversation_id', conv,
                 'queue', c[2] or '', 'channel', c[3] or '', 'priority', c[6] or 'normal', 'contact', c[7] or '',
                 'created_at', c[5] or '', 'due_at', string.format('%.0f', at), 'fired_at', ARGV[2],
                 'late', (now - at > tonumber(ARGV[4])) and '1' or '0')
      out[#out + 1] = kind
      out[#out + 1] = c[2] or ''
    end
  end
end
return out
