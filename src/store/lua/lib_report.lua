-- lib_report.lua: the reports' records, written by the script that answers or
-- closes a conversation, in the same atomic step (a response is recorded
-- exactly when it happens, once).
--
-- The caller (src/reports/recorder.cpp) computes what needs the calendar and
-- the SLA policy (business time, target, the days the record falls on) from the
-- conversation as it read it, and passes it as a JSON argument:
--   {kind, start, queue, priority, wall_ms, business_ms, target_ms, seconds, wall_seconds, met,
--    hour, rollups, expire_at}
-- (seconds: on the target's clock, business time where the queue has a calendar; wall_seconds: as the
-- customer waited, "" for a satisfaction score)
-- The script first checks that the conversation still is what the caller read
-- (report_matches); if not, the caller reads again and retries, so a record
-- never disagrees with the conversation.
--
-- Raw records: or:{ws}:responses:<UTC hour> ("2026-12-01T09"), a stream (a report reads only the
-- hours at the ends of its period, whatever order records were made in). Rollups: for each name in
-- `rollups` ([name, expire_at] with name "d:<zone>:<local day>" or
-- "m:<zone>:<local month>") and each
-- dimension (all, queue, channel, agent, label) a hash
-- or:{ws}:rollup:<name>:<dimension> with fields
--   <kind>|<value>|<seconds> → how many took that long (on the target's clock)
--   <kind>|<value>|w<seconds> → how many took that long on the wall clock
--   <kind>|<value>|t         → how many had a target,  <kind>|<value>|m → how many met it.
-- Every key expires 400 days after the last day it holds (raw: `expire_at`).
--
-- With a history (PostgreSQL), `rollups` is empty and `archive` is "1": the record's hour is named in
-- or:{ws}:responses_archived (hour → the last entry id the history holds, "0-0" at first) and in the set
-- or:{ws}:responses_waiting (hours holding records the history has not got yet), which the archiver
-- follows (src/archive/response_archive.cpp); the history rolls the days up.

-- True when `report` (decoded, or nil) describes what the script sees: the same kind of response
-- (`kind`, '' for none), clock start, queue and priority.
local function report_matches(report, kind, start, c)
  if kind == '' then return report == nil end
  return report ~= nil and report.kind == kind and report.start == (start or '') and
         report.queue == (c.queue or '') and report.priority == (c.priority or '')
end

-- Writes the raw record and the rollups of `report` for conversation `c` (fields channel, labels),
-- answered or closed by `agent` at `now`. The record names no conversation: reports need only its
-- figures, and a conversation let go from Redis (the history) leaves no key naming it.
local function report_record(prefix, report, c, agent, now)
  local labels = c.labels or ''
  local raw = K.responses(prefix, report.hour)
  redis.call('XADD', raw, '*', 'kind', report.kind, 'queue', report.queue,
             'channel', c.channel or '', 'agent', agent, 'priority', report.priority, 'labels', labels,
             'start', report.start, 'at', now, 'wall_ms', report.wall_ms, 'business_ms', report.business_ms,
             'target_ms', report.target_ms, 'seconds', report.seconds, 'met', report.met)
  redis.call('EXPIREAT', raw, report.expire_at)
  if report.archive == '1' then
    redis.call('HSETNX', K.responses_archived(prefix), report.hour, '0-0')
    redis.call('SADD', K.responses_waiting(prefix), report.hour)
  end
  local values = {all = {''}, queue = {report.queue}, channel = {c.channel or ''}, agent = {agent}, label = {}}
  for l in string.gmatch(labels, '[^,]+') do values.label[#values.label + 1] = l end
  if #values.label == 0 then values.label[1] = '' end
  for _, rollup in ipairs(report.rollups) do
    for dimension, list in pairs(values) do
      local key = K.rollup(prefix, rollup[1], dimension)
      for _, value in ipairs(list) do
        local field = report.kind .. '|' .. value .. '|'
        redis.call('HINCRBY', key, field .. report.seconds, 1)
        if (report.wall_seconds or '') ~= '' then redis.call('HINCRBY', key, field .. 'w' .. report.wall_seconds, 1) end
        if report.met ~= 'n' then
          redis.call('HINCRBY', key, field .. 't', 1)
          if report.met == 'y' then redis.call('HINCRBY', key, field .. 'm', 1) end
        end
      end
      redis.call('EXPIREAT', key, rollup[2])
    end
  end
end
