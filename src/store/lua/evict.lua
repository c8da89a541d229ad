--! uses: lib_attachments
-- evict.lua: let archived conversations go from the working set. Each goes only while it is still
-- resolved, resolved when the archive read it, and its transcript has the length PostgreSQL confirmed:
-- a customer who wrote again in between keeps it in Redis (and it is archived again later).
-- Gone with it: its hash, transcript, delivery statuses and declines, its place in the resolved list,
-- its contact's and agent's links to it, where its replies' delivery reports would have gone, and its
-- hold on kept attachments (a file no conversation in Redis holds any more goes: the history has it).
--
--! args: prefix
--! rest: items
--! returns: evicted:list
-- items: triples conversation id, resolved_at (as archived), transcript length (as archived)

local prefix = a_prefix
local evicted = {}

-- Lets go of the kept attachments `conv`'s transcript names.
local function release_attachments(conv, transcript)
  for _, e in ipairs(redis.call('XRANGE', transcript, '-', '+')) do
    for _, sha in ipairs(attachment_digests(e[2])) do
      local holders = K.blob_conversations(prefix, sha)
      redis.call('SREM', holders, conv)
      if redis.call('SCARD', holders) == 0 then redis.call('DEL', K.blob(prefix, sha), holders) end
    end
  end
end

for i = REST_FROM, #ARGV, 3 do
  local conv, resolved_at, length = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
  local key = K.conversation(prefix, conv)
  local state, at, contact, agent, channel = unpack(redis.call('HMGET', key, 'state', 'resolved_at', 'contact', 'agent',
                                                               'channel'))
  if state == 'resolved' and at == resolved_at and redis.call('XLEN', K.transcript_of(key)) == length then
    for _, status in ipairs(redis.call('HVALS', K.delivery_of(key))) do
      local ok, s = pcall(cjson.decode, status)
      if ok and type(s) == 'table' and type(s.provider_id) == 'string' and s.provider_id ~= '' and channel then
        redis.call('DEL', K.provider_message(prefix, channel, s.provider_id))
      end
    end
    release_attachments(conv, K.transcript_of(key))
    redis.call('DEL', key, K.transcript_of(key), K.delivery_of(key), K.declined_of(key))
    redis.call('ZREM', K.resolved(prefix), conv)
    if contact and contact ~= '' then
      redis.call('HDEL', K.contact(prefix, contact), 'conv:' .. conv)
      redis.call('SREM', K.contact_conversations(prefix, contact), conv)
    end
    if agent and agent ~= '' then redis.call('SREM', K.agent_conversations(prefix, agent), conv) end
    evicted[#evicted + 1] = conv
  end
end
return {evicted}
