--! uses: lib_agent lib_sla
-- presence.lua: an agent sets themselves available, away or offline.
--
-- KEYS[1] or:{ws}:agent:<id>
-- ARGV: 1 prefix, 2 agent id, 3 status, 4 now ms, 5 events max length
-- Returns the previous status, or "not_found".

local prefix, agent = ARGV[1], ARGV[2]
local previous = redis.call('HGET', KEYS[1], 'status')
if not previous then return 'not_found' end
redis.call('HSET', KEYS[1], 'status', ARGV[3], 'status_at', ARGV[4])
-- Offers wait for an answer from someone at their desk: leaving it hands them on.
if ARGV[3] ~= 'available' then withdraw_offers(prefix, agent, ARGV[4], ARGV[5]) end
refresh_agent_all(prefix, agent)
if previous ~= ARGV[3] then
  redis.call('XADD', prefix .. 'events', 'MAXLEN', '~', ARGV[5], '*', 'type', 'agent.status',
             'agent', agent, 'status', ARGV[3], 'at', ARGV[4])
end
return previous
