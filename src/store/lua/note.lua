--! uses: lib_conv
-- note.lua: a private note on a conversation, for agents only.
--
-- Appended to the transcript as an outbound entry of kind "note": never
-- handed to the outbox, never a first or next response, no delivery status.
--! keys: conv seq events
--! args: author text now events_max any
--! status: not_found
--! status: forbidden
--! status: noted note_id
-- k_conv or:{ws}:conv:<id>; a_author the agent id (or "supervisor"); a_any "1": whoever holds it (an admin),
-- else only its agent or the agent it is offered to may write one.
-- Returns {"noted", msg id} or {"not_found"|"forbidden"}.

local c = load_fields(k_conv, 'id', 'agent', 'offered_to')
if not c.id then return {'not_found'} end
if a_any ~= '1' and c.agent ~= a_author and c.offered_to ~= a_author then return {'forbidden'} end
local msg = 'm' .. redis.call('HINCRBY', k_seq, 'msg', 1)
local entry = redis.call('XADD', K.transcript_of(k_conv), '*', 'id', msg, 'direction', 'out', 'kind', 'note',
                         'author', a_author, 'text', a_text, 'attachments', '[]', 'at', a_now)
redis.call('XADD', k_events, 'MAXLEN', '~', a_events_max, '*', 'type', 'message.created', 'conversation_id', c.id,
           'message_id', msg, 'entry', entry, 'direction', 'out', 'kind', 'note', 'at', a_now)
return {'noted', msg}
