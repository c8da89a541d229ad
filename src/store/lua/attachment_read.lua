-- attachment_read.lua: a kept attachment, for someone allowed to see it.
--
-- An agent may download an attachment only while they can see a conversation holding it: the
-- conversation is assigned to them (or was, when they resolved it) or offered to them. The admin
-- (ARGV[2] empty) may download any. Anyone else is told nothing: the same answer as for no file.
--
-- KEYS[1] blob  or:{ws}:blob:<sha256>   (hash: type, content)
-- KEYS[2] convs or:{ws}:blob:<sha256>:convs (set of conversation ids holding it)
-- ARGV: 1 key prefix, 2 agent id ("" for the admin)
-- Returns {type, content}, or {} when absent, expired or not for this agent.

local agent = ARGV[2]
if agent ~= '' then
  local allowed = false
  for _, conv in ipairs(redis.call('SMEMBERS', KEYS[2])) do
    local c = redis.call('HMGET', ARGV[1] .. 'conv:' .. conv, 'agent', 'offered_to')
    if c[1] == agent or c[2] == agent then
      allowed = true
      break
    end
  end
  if not allowed then return {} end
end
local blob = redis.call('HMGET', KEYS[1], 'type', 'content')
if not blob[2] then return {} end
return {blob[1] or '', blob[2]}
