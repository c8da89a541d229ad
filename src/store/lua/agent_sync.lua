-- agent_sync.lua: make Redis's view of one configured agent match the
-- configuration (name, skills, capacities, the queues they serve), keeping
-- their presence and load. New agents start offline.
--
-- KEYS[1] or:{ws}:agent:<id>
-- ARGV: 1 prefix, 2 agent id, 3 name, 4 skills (comma-separated), 5 cap:sms,
--       6 cap:chat, 7 cap:email, 8 queues (comma-separated), 9 now ms
-- Returns "ok".

local prefix, agent = ARGV[1], ARGV[2]
redis.call('HSET', KEYS[1], 'id', agent, 'name', ARGV[3], 'skills', ARGV[4],
           'cap:sms', ARGV[5], 'cap:chat', ARGV[6], 'cap:email', ARGV[7])
if redis.call('HSETNX', KEYS[1], 'status', 'offline') == 1 then
  redis.call('HSET', KEYS[1], 'status_at', ARGV[9], 'last_assigned_at', 0,
             'load:sms', 0, 'load:chat', 0, 'load:email', 0)
end
redis.call('SADD', prefix .. 'agents', agent)
-- Leave the avail sets of queues the agent no longer serves.
for _, q in ipairs(redis.call('SMEMBERS', KEYS[1] .. ':queues')) do
  for _, m in ipairs({'sms', 'chat', 'email'}) do redis.call('ZREM', prefix .. 'avail:' .. q .. ':' .. m, agent) end
end
redis.call('DEL', KEYS[1] .. ':queues')
for q in string.gmatch(ARGV[8], '[^,]+') do redis.call('SADD', KEYS[1] .. ':queues', q) end
refresh_agent_all(prefix, agent)
return 'ok'
