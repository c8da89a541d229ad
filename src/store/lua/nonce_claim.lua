-- nonce_claim.lua: remember what one signed delivery carried, refuse its signature on anything else.
--
-- For signature schemes that leave the body out (a nonce and a timestamp are signed, not the
-- message): the first delivery with a nonce records what it carried (the provider ids of its
-- messages) for as long as the signature is accepted. The same nonce carrying the same messages
-- is the provider's retry; carrying other messages it is a replay.
--
--! keys: nonce
--! args: carried ttl
--! status: new
--! status: retry
--! status: replayed
-- k_nonce or:{ws}:nonce:<channel>:<nonce>; a_carried: what the delivery carries (provider ids, "\n"-joined);
--   a_ttl s
-- Returns "new", "retry" or "replayed".

local seen = redis.call('GET', k_nonce)
if not seen then
  redis.call('SET', k_nonce, a_carried, 'EX', tonumber(a_ttl))
  return 'new'
end
if seen == a_carried then return 'retry' end
return 'replayed'
