-- contact_update.lua: an admin changes a contact's name or attributes
-- (tier, …: what routing rules match on). Attributes given an empty value
-- are removed.
--
-- KEYS[1] or:{ws}:contact:<id>
-- ARGV: 1 name ("" keeps it), 2… attribute name, value pairs
-- Returns "ok" or "not_found".

if redis.call('HEXISTS', KEYS[1], 'id') == 0 or redis.call('HEXISTS', KEYS[1], 'merged_into') == 1 then
  return 'not_found'
end
if ARGV[1] ~= '' then redis.call('HSET', KEYS[1], 'name', ARGV[1]) end
for i = 2, #ARGV - 1, 2 do
  if ARGV[i + 1] == '' then
    redis.call('HDEL', KEYS[1] .. ':attrs', ARGV[i])
  else
    redis.call('HSET', KEYS[1] .. ':attrs', ARGV[i], ARGV[i + 1])
  end
end
return 'ok'
