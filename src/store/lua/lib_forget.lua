-- lib_forget.lua: let one conversation go from Redis, for evict.lua (archived, the history keeps it) and
-- contact_erase.lua (the person asked to be forgotten). Prepended to both, after lib_attachments.lua.
--
-- Gone with it: its hash, transcript, delivery statuses, declines and thread list; its place in the
-- resolved list; its contact's and agent's links to it; every thread key that still leads to it (its own,
-- and for e-mail each mail's Message-ID and subject key); the satisfaction survey waiting on it; where its
-- replies' delivery reports would have gone; its hold on kept attachments (a file no conversation in Redis
-- holds any more goes). `erase`: also the dedupe marks of its inbound messages (their values name it).

local function forget_conversation(prefix, conv, erase)
  local key = K.conversation(prefix, conv)
  local channel, contact, agent, thread = unpack(redis.call('HMGET', key, 'channel', 'contact', 'agent', 'thread'))
  local function drop_if_ours(k)
    if redis.call('GET', k) == conv then redis.call('DEL', k) end
  end
  if channel then
    for _, status in ipairs(redis.call('HVALS', K.delivery_of(key))) do
      local ok, s = pcall(cjson.decode, status)
      if ok and type(s) == 'table' and type(s.provider_id) == 'string' and s.provider_id ~= '' then
        redis.call('DEL', K.provider_message(prefix, channel, s.provider_id))
      end
    end
    if thread and thread ~= '' then drop_if_ours(K.thread(prefix, channel, thread)) end
    for _, t in ipairs(redis.call('SMEMBERS', K.threads_of(key))) do drop_if_ours(K.thread(prefix, channel, t)) end
    if contact and contact ~= '' then drop_if_ours(K.survey(prefix, channel, contact)) end
  end
  local transcript = K.transcript_of(key)
  for _, e in ipairs(redis.call('XRANGE', transcript, '-', '+')) do
    local fields = e[2]
    for _, sha in ipairs(attachment_digests(fields)) do
      local holders = K.blob_conversations(prefix, sha)
      redis.call('SREM', holders, conv)
      if redis.call('SCARD', holders) == 0 then redis.call('DEL', K.blob(prefix, sha), holders) end
    end
    if erase and channel then
      local direction, provider_id
      for n = 1, #fields, 2 do
        if fields[n] == 'direction' then direction = fields[n + 1] end
        if fields[n] == 'provider_id' then provider_id = fields[n + 1] end
      end
      if direction == 'in' and provider_id and provider_id ~= '' then
        local mark = K.dedupe(prefix, channel, provider_id)
        local v = redis.call('GET', mark)
        if v and string.sub(v, 1, #conv + 1) == conv .. '|' then redis.call('DEL', mark) end
      end
    end
  end
  redis.call('DEL', key, transcript, K.delivery_of(key), K.declined_of(key), K.threads_of(key))
  redis.call('ZREM', K.resolved(prefix), conv)
  if contact and contact ~= '' then
    redis.call('HDEL', K.contact(prefix, contact), 'conv:' .. conv)
    redis.call('SREM', K.contact_conversations(prefix, contact), conv)
  end
  if agent and agent ~= '' then redis.call('SREM', K.agent_conversations(prefix, agent), conv) end
end

-- Replies to the conversations in `ids` (a set: id → true) still waiting in the outbox or dead-lettered:
-- their text and recipient go with the conversations (the history keeps each reply and how its delivery
-- ended). One pass over each stream, however many conversations go.
local function forget_replies(prefix, ids)
  if next(ids) == nil then return end
  for _, stream in ipairs({K.outbox(prefix), K.dead_letters(prefix)}) do
    for _, e in ipairs(redis.call('XRANGE', stream, '-', '+')) do
      local f = e[2]
      for n = 1, #f, 2 do
        if f[n] == 'conversation_id' then
          if ids[f[n + 1]] then redis.call('XDEL', stream, e[1]) end
          break
        end
      end
    end
  end
end
