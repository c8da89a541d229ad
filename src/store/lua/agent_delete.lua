--! uses: lib_agent lib_sla
-- agent_delete.lua: remove an agent. Their open conversations go back to
-- their queues at their original age; their token stops working at once.
-- Needs lib_agent.lua.
--
--! keys: agent_hash
--! args: prefix agent now events_max source
--! status: not_found
--! status: config_managed
--! status: deleted
-- k_agent_hash or:{ws}:agent:<id>; a_source "api" (refuse a config-managed agent) or "config" (the
--   configuration no longer lists them)
-- Returns "deleted", "not_found" or "config_managed".

local prefix, agent, now = a_prefix, a_agent, a_now
if redis.call('HEXISTS', k_agent_hash, 'id') == 0 then return 'not_found' end
if a_source == 'api' and redis.call('HGET', k_agent_hash, 'source') == 'config' then return 'config_managed' end
redis.call('HSET', k_agent_hash, 'status', 'offline')
withdraw_offers(prefix, agent, now, a_events_max)
requeue_all(prefix, agent, now, a_events_max, 'agent_removed')
for _, q in ipairs(redis.call('SMEMBERS', K.agent_pools_of(k_agent_hash))) do
  for _, m in ipairs({'sms', 'chat', 'email'}) do redis.call('ZREM', K.available(prefix, q, m), agent) end
end
local digest = redis.call('HGET', k_agent_hash, 'token_sha256')
if digest and redis.call('HGET', K.agent_tokens(prefix), digest) == agent then
  redis.call('HDEL', K.agent_tokens(prefix), digest)
end
redis.call('DEL', k_agent_hash, K.agent_pools_of(k_agent_hash), K.agent_conversations_of(k_agent_hash), K.agent_sockets_of(k_agent_hash), K.agent_offers_of(k_agent_hash))
redis.call('SREM', K.agents(prefix), agent)
redis.call('XADD', K.events(prefix), 'MAXLEN', '~', a_events_max, '*', 'type', 'agent.removed', 'agent', agent, 'at', now)
return 'deleted'
