-- admin_account_change.lua: change one admin or supervisor account kept in Redis (POST/PUT /v1/admins):
-- its name and role, or its token's digest, in one step (a rotation racing a rename loses neither).
--
--! keys: accounts
--! args: id name role token_sha256
--! status: not_found
--! status: ok account
-- k_accounts or:{ws}:admin_accounts (id → JSON {id, name, role, token_sha256}); a_name, a_role, a_token_sha256:
-- "" keeps the value. Returns {"ok", the account's JSON after} or {"not_found"}.

local kept = redis.call('HGET', k_accounts, a_id)
if not kept then return {'not_found'} end
local account = cjson.decode(kept)
if a_name ~= '' then account.name = a_name end
if a_role ~= '' then account.role = a_role end
if a_token_sha256 ~= '' then account.token_sha256 = a_token_sha256 end
local after = cjson.encode(account)
redis.call('HSET', k_accounts, a_id, after)
return {'ok', after}
