-- blob_archived.lua: kept attachments the history now holds (the archive committed them) leave Redis:
-- each blob hash keeps its type and who may see it (blob:<sha256>:convs), not its content.
-- attachment_read.lua then answers "archived", and the file is read from PostgreSQL.
--
--! args: prefix
--! rest: digests
--! returns: released:integer
-- digests: sha256 of each file written to the history

local released = 0
for i = REST_FROM, #ARGV do
  local key = K.blob(a_prefix, ARGV[i])
  if redis.call('HEXISTS', key, 'content') == 1 then
    redis.call('HDEL', key, 'content')
    redis.call('HSET', key, 'archived', '1')
    released = released + 1
  end
end
return {released}
