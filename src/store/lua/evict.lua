--! uses: lib_attachments lib_forget
-- evict.lua: let archived conversations go from the working set. Each goes only while it is still
-- resolved, resolved when the archive read it, and its transcript has the length PostgreSQL confirmed:
-- a customer who wrote again in between keeps it in Redis (and it is archived again later).
-- Gone with it: everything Redis keeps of it, every key that leads to it, and its replies still in the
-- outbox or dead-lettered (lib_forget.lua); a kept attachment no conversation in Redis holds any more
-- goes too: the history has it.
--
--! args: prefix
--! rest: items
--! returns: evicted:list
-- items: triples conversation id, resolved_at (as archived), transcript length (as archived)

local prefix = a_prefix
local evicted, gone = {}, {}

for i = REST_FROM, #ARGV, 3 do
  local conv, resolved_at, length = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
  local key = K.conversation(prefix, conv)
  local state, at = unpack(redis.call('HMGET', key, 'state', 'resolved_at'))
  if state == 'resolved' and at == resolved_at and redis.call('XLEN', K.transcript_of(key)) == length then
    forget_conversation(prefix, conv, false)
    evicted[#evicted + 1] = conv
    gone[conv] = true
  end
end
forget_replies(prefix, gone)
return {evicted}
