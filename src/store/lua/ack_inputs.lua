--! uses: lib_agent lib_sla
-- ack_inputs.lua: what the auto-acknowledgement's estimate needs about a new
-- conversation: where it waits, how many wait ahead of it, how many agents
-- serve it (available, in its pool, taking its medium), and the queue's recent
-- first-response times. Reads only.
-- Needs lib_agent.lua (pool_of).
--
--! args: prefix conversation
--! returns: state queue priority language acknowledged:integer ahead:integer available:integer recent_first_responses:list
-- a_conversation the conversation id
-- Returns {state, queue, priority, language, acknowledged 0|1, ahead (-1: not waiting),
--          agents available, {recent first-response ms, newest first}} or {} when unknown.

local prefix, conv = a_prefix, a_conversation
local c = redis.call('HMGET', K.conversation(prefix, conv), 'state', 'queue', 'priority', 'language', 'acknowledged_at',
                     'skills', 'medium')
if not c[1] then return {} end
local pool = pool_of(c[2], c[6])
local medium = c[7] or 'chat'
local ahead = redis.call('ZRANK', K.waiting(prefix, pool, medium), conv) or -1
-- Staffing, not who has room this instant: while anyone waits nobody has room, and counting the
-- with-room set would promise every customer a wait as if one agent were on duty. Agents who are
-- available, serve this pool and take this medium at all (as /v1/queues counts them).
local available = 0
for _, id in ipairs(redis.call('SMEMBERS', K.agents(prefix))) do
  local akey = K.agent(prefix, id)
  local a = redis.call('HMGET', akey, 'status', 'cap:' .. medium)
  if a[1] == 'available' and (tonumber(a[2]) or 0) > 0 and redis.call('SISMEMBER', K.agent_pools_of(akey), pool) == 1 then
    available = available + 1
  end
end
local recent = redis.call('LRANGE', K.first_response_times(prefix, c[2]), 0, -1)
return {c[1], c[2], c[3] or 'normal', c[4] or '', (c[5] and c[5] ~= '') and 1 or 0, ahead, available, recent}
