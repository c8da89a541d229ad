--! uses: lib_agent lib_sla
-- queue_check.lua: queue-level alerts with hysteresis. A measure (oldest wait,
-- depth) going over its threshold raises one alert; it is cleared, with one
-- `queue.recovered`, only when it falls to `clear` of the threshold. State in
-- or:{ws}:queue_alerts ('<queue>:<measure>' = raised at ms), so each crossing
-- alerts once across any number of instances.
--
--! args: prefix now alerts_max
--! rest: rules
--! returns each: type queue
-- then (rest) per queue: id, oldest-wait threshold ms (0: not watched), depth threshold (0: not
--   watched), clear fraction
-- Needs lib_agent.lua (QUEUE_BAND: queue scores are priority band * QUEUE_BAND + queued_at ms).
-- Returns a flat list: alert type, queue, …  (for metrics)

local prefix, now = a_prefix, tonumber(a_now)
local state = K.queue_alerts(prefix)
local out = {}

local function check(queue, measure, value, threshold, clear)
  if threshold <= 0 then return end
  local field = queue .. ':' .. measure
  local raised = redis.call('HGET', state, field)
  if not raised and value > threshold then
    redis.call('HSET', state, field, a_now)
    redis.call('XADD', K.alerts(prefix), 'MAXLEN', '~', a_alerts_max, '*', 'type', 'queue.' .. measure, 'queue', queue,
               'measure', measure, 'value', string.format('%.0f', value), 'threshold', string.format('%.0f', threshold),
               'fired_at', a_now)
    out[#out + 1] = 'queue.' .. measure
    out[#out + 1] = queue
  elseif raised and value <= threshold * clear then
    redis.call('HDEL', state, field)
    redis.call('XADD', K.alerts(prefix), 'MAXLEN', '~', a_alerts_max, '*', 'type', 'queue.recovered', 'queue', queue,
               'measure', measure, 'value', string.format('%.0f', value), 'threshold', string.format('%.0f', threshold),
               'raised_at', raised, 'fired_at', a_now)
    out[#out + 1] = 'queue.recovered'
    out[#out + 1] = queue
  end
end

for i = REST_FROM, #ARGV, 4 do
  local queue, wait_ms, depth, clear = ARGV[i], tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2]), tonumber(ARGV[i + 3])
  local key = K.queue(prefix, queue)
  if wait_ms > 0 then
    -- The oldest across priority bands: each band's head carries its queued_at in the score.
    local oldest = 0
    for band = 0, 3 do
      local head = redis.call('ZRANGEBYSCORE', key, string.format('%.0f', band * QUEUE_BAND),
                              '(' .. string.format('%.0f', (band + 1) * QUEUE_BAND), 'WITHSCORES', 'LIMIT', 0, 1)
      if head[2] then
        local waited = now - (tonumber(head[2]) - band * QUEUE_BAND)
        if waited > oldest then oldest = waited end
      end
    end
    check(queue, 'oldest_wait', oldest, wait_ms, clear)
  end
  check(queue, 'depth', redis.call('ZCARD', key), depth, clear)
end
return out
