-- lib_delivery.lua: provider delivery statuses on outbound messages, shared by
-- delivery.lua (the sender's record of a send) and delivery_status.lua (the
-- provider's callbacks). Prepended to both.
--
-- A status only moves forward: queued/retrying < sent < delivered < read;
-- failed overrides anything but read. Each accepted change is an event.

local RANK = {queued = 0, retrying = 0, sent = 1, delivered = 2, read = 3, failed = 2.5}

-- Applies `status` (with `reason` for failed) at `at` ms to message `msg` of `conv`; true when it changed.
local function apply_status(prefix, conv, msg, status, reason, at, events_max)
  local key = K.delivery(prefix, conv)
  local current = redis.call('HGET', key, msg)
  local d = current and cjson.decode(current) or {status = 'queued', attempts = 0}
  local was = RANK[d.status] or 0
  local now = RANK[status]
  if not now or now <= was then return false end
  d.status = status
  d[status .. '_at'] = at
  if status == 'failed' and reason ~= '' then d.reason = reason end
  redis.call('HSET', key, msg, cjson.encode(d))
  redis.call('XADD', K.events(prefix), 'MAXLEN', '~', events_max, '*', 'type', 'message.delivery',
             'conversation_id', conv, 'message_id', msg, 'status', status, 'reason', d.reason or '', 'at', at)
  return true
end
