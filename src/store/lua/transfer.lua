--! uses: lib_agent lib_sla
-- transfer.lua: an agent hands a conversation to another queue or agent.
--
-- To a queue: the conversation leaves its agent and waits in the new queue
-- at its original age. To an agent: it goes straight to them if they are
-- available and have room. Needs lib_agent.lua.
--
--! uses: lib_conv
--! keys: conv
--! args: prefix actor mode target now events_max
--! status: not_found
--! status: resolved
--! status: not_assigned
--! status: forbidden
--! status: no_target
--! status: no_room
--! status: transferred actor target medium
-- k_conv or:{ws}:conv:<id>; a_mode "queue" or "agent", a_target the queue's or agent's id; the
-- conversation keeps its priority and original age in the new queue.
-- a_actor "*": a supervisor reassigns it, from whichever agent holds it ("not_assigned" when none does).
-- Returns {"transferred", old agent, queue, medium} or {"not_found"|"forbidden"|"resolved"|"no_target"|"no_room"|
-- "not_assigned"}.

local prefix, actor, target, now = a_prefix, a_actor, a_target, a_now
local c = load_fields(k_conv, 'id', 'state', 'agent', 'queue', 'medium', 'priority', 'queued_at')
if not c.id then return {'not_found'} end
if actor == '*' then
  if c.state == 'resolved' then return {'resolved'} end
  actor = c.agent or ''
  if actor == '' then return {'not_assigned'} end
end
if c.agent ~= actor then return {'forbidden'} end
if c.state == 'resolved' then return {'resolved'} end
local conv, medium = c.id, c.medium or 'chat'

if a_mode == 'queue' then
  if redis.call('HEXISTS', K.queues(prefix), target) == 0 then return {'no_target'} end
  release_from_agent(prefix, conv, actor, medium)
  redis.call('HSET', k_conv, 'state', 'queued', 'agent', '', 'queue', target)
  enqueue(prefix, conv, target, medium, queue_score(c.priority, tonumber(c.queued_at) or 0))
  redis.call('XADD', K.events(prefix), 'MAXLEN', '~', a_events_max, '*', 'type', 'conversation.transferred',
             'conversation_id', conv, 'from_agent', actor, 'queue', target, 'at', now)
  return {'transferred', actor, target, medium}
end

local a = redis.call('HMGET', K.agent(prefix, target), 'status', 'cap:' .. medium, 'load:' .. medium)
if not a[1] then return {'no_target'} end
if a[1] ~= 'available' or (tonumber(a[3]) or 0) >= (tonumber(a[2]) or 0) then return {'no_room'} end
release_from_agent(prefix, conv, actor, medium)
assign(prefix, conv, target, c.queue, medium, now, a_events_max)
redis.call('XADD', K.events(prefix), 'MAXLEN', '~', a_events_max, '*', 'type', 'conversation.transferred',
           'conversation_id', conv, 'from_agent', actor, 'agent', target, 'at', now)
return {'transferred', actor, c.queue, medium}
