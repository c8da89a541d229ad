--! uses: lib_agent lib_sla
-- transfer.lua: an agent hands a conversation to another queue or agent.
--
-- To a queue: the conversation leaves its agent and waits in the new queue
-- at its original age. To an agent: it goes straight to them if they are
-- available and have room. Needs lib_agent.lua.
--
-- KEYS[1] conv or:{ws}:conv:<id>
-- ARGV: 1 prefix, 2 acting agent, 3 "queue" or "agent", 4 target id, 5 now ms, 6 events max length,
--       7 queue score (priority then original age)
-- Returns {"transferred", old agent, queue, medium} or {"not_found"|"forbidden"|"resolved"|"no_target"|"no_room"}.

local prefix, actor, mode, target, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local c = redis.call('HMGET', KEYS[1], 'id', 'state', 'agent', 'queue', 'medium')
if not c[1] then return {'not_found'} end
if c[3] ~= actor then return {'forbidden'} end
if c[2] == 'resolved' then return {'resolved'} end
local conv, medium = c[1], c[5] or 'chat'

if mode == 'queue' then
  if redis.call('HEXISTS', prefix .. 'queues', target) == 0 then return {'no_target'} end
  release_from_agent(prefix, conv, actor, medium)
  redis.call('HSET', KEYS[1], 'state', 'queued', 'agent', '', 'queue', target)
  enqueue(prefix, conv, target, medium, ARGV[7])
  redis.call('XADD', prefix .. 'events', 'MAXLEN', '~', ARGV[6], '*', 'type', 'conversation.transferred',
             'conversation_id', conv, 'from_agent', actor, 'queue', target, 'at', now)
  return {'transferred', actor, target, medium}
end

local a = redis.call('HMGET', prefix .. 'agent:' .. target, 'status', 'cap:' .. medium, 'load:' .. medium)
if not a[1] then return {'no_target'} end
if a[1] ~= 'available' or (tonumber(a[3]) or 0) >= (tonumber(a[2]) or 0) then return {'no_room'} end
release_from_agent(prefix, conv, actor, medium)
assign(prefix, conv, target, c[4], medium, now, ARGV[6])
redis.call('XADD', prefix .. 'events', 'MAXLEN', '~', ARGV[6], '*', 'type', 'conversation.transferred',
           'conversation_id', conv, 'from_agent', actor, 'agent', target, 'at', now)
return {'transferred', actor, c[4], medium}
