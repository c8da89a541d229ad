-- responses_archived.lua: the history now holds an hour's response records up to entry `id` (the
-- archiver committed them): the hour's mark moves on to it, never back (two archivers may race), and
-- the hour stops waiting once its mark is its stream's last entry (a record written meanwhile keeps it
-- waiting: the test and the move are one step).
--
--! args: prefix hour id
--! status: whole
--! status: more
-- hour: "2026-12-01T09" (the stream responses:<hour>); id: a stream entry id of it ("1764579600000-3")

local marks = K.responses_archived(a_prefix)
local function parts(id)
  local ms, seq = string.match(id or '', '^(%d+)-(%d+)$')
  return tonumber(ms or '0'), tonumber(seq or '0')
end
local ms, seq = parts(a_id)
local was = redis.call('HGET', marks, a_hour)
local was_ms, was_seq = parts(was)
local mark = was
if ms > was_ms or (ms == was_ms and seq > was_seq) then
  redis.call('HSET', marks, a_hour, a_id)
  mark = a_id
end
local last = redis.call('XREVRANGE', K.responses(a_prefix, a_hour), '+', '-', 'COUNT', 1)
if #last == 0 or last[1][1] == mark then
  redis.call('SREM', K.responses_waiting(a_prefix), a_hour)
  return 'whole'
end
return 'more'
