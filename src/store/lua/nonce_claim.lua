-- nonce_claim.lua: remember what one signed delivery carried, refuse its signature on anything else.
--
-- For signature schemes that leave the body out (a nonce and a timestamp are signed, not the
-- message): the first delivery with a nonce records what it carried (the provider ids of its
-- messages) for as long as the signature is accepted. The same nonce carrying the same messages
-- is the provider's retry; carrying other messages it is a replay.
--
-- KEYS[1] or:{ws}:nonce:<channel>:<nonce>
-- ARGV: 1 what the delivery carries (provider ids, "\n"-joined), 2 ttl s
-- Returns "new", "retry" or "replayed".

local seen = redis.call('GET', KEYS[1])
if not seen then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', tonumber(ARGV[2]))
  return 'new'
end
if seen == ARGV[1] then return 'retry' end
return 'replayed'
