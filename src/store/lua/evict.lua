-- evict.lua: let archived conversations go from the working set. Each goes only while it is still
-- resolved, resolved when the archive read it, and its transcript has the length PostgreSQL confirmed:
-- a customer who wrote again in between keeps it in Redis (and it is archived again later).
-- Gone with it: its hash, transcript, delivery statuses and declines, its place in the resolved list,
-- its contact's and agent's links to it, and where its replies' delivery reports would have gone.
--
--! args: prefix
--! rest: items
--! returns: evicted:list
-- items: triples conversation id, resolved_at (as archived), transcript length (as archived)

local prefix = a_prefix
local evicted = {}
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
