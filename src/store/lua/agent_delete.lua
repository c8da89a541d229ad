--! uses: lib_agent lib_sla
-- agent_delete.lua: remove an agent. Their open conversations go back to
-- their queues at their original age; their token stops working at once.
-- Needs lib_agent.lua.
--
-- KEYS[1] or:{ws}:agent:<id>
-- ARGV: 1 prefix, 2 agent id, 3 now ms, 4 events max length, 5 "api" (refuse a
--       config-managed agent) or "config" (the configuration no longer lists them)
-- Returns "deleted", "not_found" or "config_managed".

local prefix, agent, now = ARGV[1], ARGV[2], ARGV[3]
if redis.call('HEXISTS', KEYS[1], 'id') == 0 then return 'not_found' end
if ARGV[5] == 'api' and redis.call('HGET', KEYS[1], 'source') == 'config' then return 'config_managed' end
redis.call('HSET', KEYS[1], 'status', 'offline')
withdraw_offers(prefix, agent, now, ARGV[4])
requeue_all(prefix, agent, now, ARGV[4], 'agent_removed')
for _, q in ipairs(redis.call('SMEMBERS', KEYS[1] .. ':queues')) do
  for _, m in ipairs({'sms', 'chat', 'email'}) do redis.call('ZREM', prefix .. 'avail:' .. q .. ':' .. m, agent) end
end
local digest = redis.call('HGET', KEYS[1], 'token_sha256')
if digest and redis.call('HGET', prefix .. 'agent_tokens', digest) == agent then
  redis.call('HDEL', prefix .. 'agent_tokens', digest)
end
redis.call('DEL', KEYS[1], KEYS[1] .. ':queues', KEYS[1] .. ':convs', KEYS[1] .. ':sockets', KEYS[1] .. ':offers')
redis.call('SREM', prefix .. 'agents', agent)
redis.call('XADD', prefix .. 'events', 'MAXLEN', '~', ARGV[4], '*', 'type', 'agent.removed', 'agent', agent, 'at', now)
return 'deleted'
