--! uses: lib_agent lib_sla
-- agent_sync.lua: create or change one agent (from the configuration at
-- start-up, or through the admin API), keeping their presence and load.
-- New agents start offline. Needs lib_agent.lua.
--
-- KEYS[1] or:{ws}:agent:<id>
-- ARGV: 1 prefix, 2 agent id, 3 name, 4 skills (comma-separated), 5 cap:sms,
--       6 cap:chat, 7 cap:email, 8 pools served (comma-separated), 9 now ms,
--       10 SHA-256 of the token, hex ("" keeps the current one),
--       11 source ("config" or "api"), 12 mode: "upsert", "create" (refuse if the
--       agent exists) or "update" (refuse if it does not, or is managed by the config)
-- Returns "ok", "exists", "not_found", "config_managed" or "token_in_use".
-- or:{ws}:agent_tokens maps each token digest to its agent, so any daemon
-- instance can authenticate an agent created on another.

local prefix, agent, mode = ARGV[1], ARGV[2], ARGV[12]
local source = redis.call('HGET', KEYS[1], 'source')
local exists = redis.call('HEXISTS', KEYS[1], 'id') == 1
if mode == 'create' and exists then return 'exists' end
if mode == 'update' then
  if not exists then return 'not_found' end
  if source == 'config' then return 'config_managed' end
end
local tokens = prefix .. 'agent_tokens'
if ARGV[10] ~= '' then
  local holder = redis.call('HGET', tokens, ARGV[10])
  if holder and holder ~= agent then return 'token_in_use' end
  local old = redis.call('HGET', KEYS[1], 'token_sha256')
  if old and old ~= ARGV[10] then redis.call('HDEL', tokens, old) end
  redis.call('HSET', tokens, ARGV[10], agent)
  redis.call('HSET', KEYS[1], 'token_sha256', ARGV[10])
end
redis.call('HSET', KEYS[1], 'id', agent, 'name', ARGV[3], 'skills', ARGV[4],
           'cap:sms', ARGV[5], 'cap:chat', ARGV[6], 'cap:email', ARGV[7], 'source', ARGV[11])
if redis.call('HSETNX', KEYS[1], 'status', 'offline') == 1 then
  redis.call('HSET', KEYS[1], 'status_at', ARGV[9], 'last_assigned_at', 0,
             'load:sms', 0, 'load:chat', 0, 'load:email', 0, 'created_at', ARGV[9])
end
redis.call('SADD', prefix .. 'agents', agent)
-- Leave the avail sets of pools the agent no longer serves.
for _, q in ipairs(redis.call('SMEMBERS', KEYS[1] .. ':queues')) do
  for _, m in ipairs({'sms', 'chat', 'email'}) do redis.call('ZREM', prefix .. 'avail:' .. q .. ':' .. m, agent) end
end
redis.call('DEL', KEYS[1] .. ':queues')
for q in string.gmatch(ARGV[8], '[^,]+') do redis.call('SADD', KEYS[1] .. ':queues', q) end
refresh_agent_all(prefix, agent)
return 'ok'
