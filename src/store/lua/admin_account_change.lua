-- admin_account_change.lua: change or remove one admin or supervisor account kept in Redis (PUT/DELETE
-- /v1/admins, POST /v1/admins/<id>/token): its name and role, or its token's digest, in one step (a rotation
-- racing a rename loses neither), and say credential.changed on the events stream, so every daemon's sockets
-- opened with that account (the board's) re-check it and close at once when it no longer holds.
--
--! keys: accounts events
--! args: id name role token_sha256 remove events_max now
--! status: not_found
--! status: ok account
-- k_accounts or:{ws}:admin_accounts (id → JSON {id, name, role, token_sha256}); k_events or:{ws}:events.
-- a_name, a_role, a_token_sha256: "" keeps the value; a_remove "1" removes the account. Returns {"ok", the
-- account's JSON after ("" when removed)} or {"not_found"}.

local kept = redis.call('HGET', k_accounts, a_id)
if not kept then return {'not_found'} end
local after = ''
if a_remove == '1' then
  redis.call('HDEL', k_accounts, a_id)
else
  local account = cjson.decode(kept)
  if a_name ~= '' then account.name = a_name end
  if a_role ~= '' then account.role = a_role end
  if a_token_sha256 ~= '' then account.token_sha256 = a_token_sha256 end
  after = cjson.encode(account)
  redis.call('HSET', k_accounts, a_id, after)
end
redis.call('XADD', k_events, 'MAXLEN', '~', a_events_max, '*', 'type', 'credential.changed', 'at', a_now)
return {'ok', after}
