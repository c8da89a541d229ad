-- contact_update.lua: an admin changes a contact's name or attributes
-- (tier, …: what routing rules match on). Attributes given an empty value
-- are removed.
--
--! keys: contact
--! args: name
--! rest: attributes
--! status: not_found
--! status: ok
-- k_contact or:{ws}:contact:<id>; a_name ("" keeps it); then (rest) attribute name, value pairs
-- Returns "ok" or "not_found".

if redis.call('HEXISTS', k_contact, 'id') == 0 or redis.call('HEXISTS', k_contact, 'merged_into') == 1 then
  return 'not_found'
end
if a_name ~= '' then redis.call('HSET', k_contact, 'name', a_name) end
for i = REST_FROM, #ARGV - 1, 2 do
  if ARGV[i + 1] == '' then
    redis.call('HDEL', K.contact_attributes_of(k_contact), ARGV[i])
  else
    redis.call('HSET', K.contact_attributes_of(k_contact), ARGV[i], ARGV[i + 1])
  end
end
return 'ok'
