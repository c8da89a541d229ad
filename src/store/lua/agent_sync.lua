--! uses: lib_agent lib_sla
-- agent_sync.lua: create or change one agent (from the configuration at
-- start-up, or through the admin API), keeping their presence and load.
-- New agents start offline. Needs lib_agent.lua.
--
--! keys: agent_hash
--! args: prefix agent name skills cap_sms cap_chat cap_email pools now token_sha256 source mode events_max
--! status: exists
--! status: not_found
--! status: config_managed
--! status: token_in_use
--! status: ok
-- k_agent_hash or:{ws}:agent:<id>; a_skills and a_pools comma-separated; a_token_sha256 hex ("" keeps the
--   current one); a_source "config" or "api"; a_mode "upsert", "create" (refuse if the agent exists) or
--   "update" (refuse if it does not, or is managed by the config)
-- Returns "ok", "exists", "not_found", "config_managed" or "token_in_use".
-- or:{ws}:agent_tokens maps each token digest to its agent, so any daemon
-- instance can authenticate an agent created on another.

local prefix, agent, mode = a_prefix, a_agent, a_mode
local source = redis.call('HGET', k_agent_hash, 'source')
local exists = redis.call('HEXISTS', k_agent_hash, 'id') == 1
if mode == 'create' and exists then return 'exists' end
if mode == 'update' then
  if not exists then return 'not_found' end
  if source == 'config' then return 'config_managed' end
end
local tokens = K.agent_tokens(prefix)
if a_token_sha256 ~= '' then
  local holder = redis.call('HGET', tokens, a_token_sha256)
  if holder and holder ~= agent then return 'token_in_use' end
  local old = redis.call('HGET', k_agent_hash, 'token_sha256')
  if old and old ~= a_token_sha256 then
    redis.call('HDEL', tokens, old)
    -- Sockets and sessions opened with the old token re-check it, on every daemon, and close.
    redis.call('XADD', K.events(prefix), 'MAXLEN', '~', a_events_max, '*', 'type', 'credential.changed',
               'agent', agent, 'at', a_now)
  end
  redis.call('HSET', tokens, a_token_sha256, agent)
  redis.call('HSET', k_agent_hash, 'token_sha256', a_token_sha256)
end
redis.call('HSET', k_agent_hash, 'id', agent, 'name', a_name, 'skills', a_skills,
           'cap:sms', a_cap_sms, 'cap:chat', a_cap_chat, 'cap:email', a_cap_email, 'source', a_source)
if redis.call('HSETNX', k_agent_hash, 'status', 'offline') == 1 then
  redis.call('HSET', k_agent_hash, 'status_at', a_now, 'last_assigned_at', 0,
             'load:sms', 0, 'load:chat', 0, 'load:email', 0, 'created_at', a_now)
end
redis.call('SADD', K.agents(prefix), agent)
-- Leave the avail sets of pools the agent no longer serves.
for _, q in ipairs(redis.call('SMEMBERS', K.agent_pools_of(k_agent_hash))) do
  for _, m in ipairs({'sms', 'chat', 'email'}) do redis.call('ZREM', K.available(prefix, q, m), agent) end
end
redis.call('DEL', K.agent_pools_of(k_agent_hash))
for q in string.gmatch(a_pools, '[^,]+') do redis.call('SADD', K.agent_pools_of(k_agent_hash), q) end
refresh_agent_all(prefix, agent)
return 'ok'
