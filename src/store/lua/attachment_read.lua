-- attachment_read.lua: a kept attachment, for someone allowed to see it.
--
-- An agent may download an attachment only while they can see a conversation holding it: the
-- conversation is assigned to them (or was, when they resolved it) or offered to them. The admin
-- (a_agent empty) may download any. Anyone else is told nothing: the same answer as for no file.
--
-- With a history, the content moves to PostgreSQL once archived (blob_archived.lua): Redis keeps who may
-- see it, and answers "archived" to one who may, for the caller to read it there.
--
--! keys: blob convs
--! args: prefix agent
--! status: none
--! status: archived
--! status: found content_type content
-- k_blob  or:{ws}:blob:<sha256>   (hash: type, content — or archived = 1 once the history has it)
-- k_convs or:{ws}:blob:<sha256>:convs (set of conversation ids holding it)
-- Returns {"found", type, content}, {"archived"}, or {"none"} when absent, expired or not for this agent.

local agent = a_agent
if agent ~= '' then
  local allowed = false
  for _, conv in ipairs(redis.call('SMEMBERS', k_convs)) do
    local c = redis.call('HMGET', K.conversation(a_prefix, conv), 'agent', 'offered_to')
    if c[1] == agent or c[2] == agent then
      allowed = true
      break
    end
  end
  if not allowed then return {'none'} end
end
local blob = redis.call('HMGET', k_blob, 'type', 'content', 'archived')
if blob[2] then return {'found', blob[1] or '', blob[2]} end
if blob[3] == '1' then return {'archived'} end
return {'none'}
