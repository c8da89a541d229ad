--! uses: lib_agent lib_sla
-- presence.lua: an agent sets themselves available, away or offline.
--
--! keys: agent_hash
--! args: prefix agent status now events_max
-- k_agent_hash or:{ws}:agent:<id>; a_status available, away or offline.
--! status: set previous
--! status: not_found
-- set: the previous status

local prefix, agent, status, now = a_prefix, a_agent, a_status, a_now
local previous = redis.call('HGET', k_agent_hash, 'status')
if not previous then return 'not_found' end
redis.call('HSET', k_agent_hash, 'status', status, 'status_at', now)
-- Offers wait for an answer from someone at their desk: leaving it hands them on.
if status ~= 'available' then withdraw_offers(prefix, agent, now, a_events_max) end
refresh_agent_all(prefix, agent)
if previous ~= status then
  redis.call('XADD', K.events(prefix), 'MAXLEN', '~', a_events_max, '*', 'type', 'agent.status',
             'agent', agent, 'status', status, 'at', now)
end
return {'set', previous}
