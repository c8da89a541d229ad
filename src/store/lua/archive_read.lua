--! uses: lib_attachments
-- archive_read.lua: what one archive batch writes to PostgreSQL, read in one step: each named
-- conversation's hash and delivery statuses, each named transcript entry, and the contact of each
-- conversation (its hash, with its handles as handle:<kind>:<handle> fields, and its attributes).
-- Reads only.
--
--! args: prefix
--! rest: items
--! returns: conversations:reply messages:reply contacts:reply lengths:reply blobs:reply
-- items: triples kind, conversation id, entry id — 'c', id, '' (the conversation), 'm', id, entry (a message)
--        or 'a', id, '' (the conversation and its whole transcript, before it leaves Redis)
-- conversations: {id, hash (flat), delivery (flat)} each, for those still in Redis
-- messages: {conversation id, entry id, fields (flat)} each, for entries still there
-- contacts: {id, hash (flat), attributes (flat)} each
-- lengths: flat, conversation id → transcript length, for each 'a' item still in Redis
-- blobs: {conversation id, sha256, content type, content} each, the kept attachments of each 'a' item
--        and, up to 32 MB a batch (files are up to 10 MB; a batch names up to 1,024 messages), of each 'm'
--        item, whose content Redis still holds. A file left out keeps its bytes in Redis until
--        its conversation's 'a' read (which takes every file, as eviction then lets them go).

local prefix = a_prefix
local conversations, messages, contacts, lengths, blobs, seen = {}, {}, {}, {}, {}, {}
local budget = 32 * 1024 * 1024  -- bytes of files the 'm' items of one batch may carry

-- The kept attachments of one transcript entry (each file once per conversation); `limited`: within
-- the batch's budget only.
local function kept_attachments(fields, conv, found, limited)
  for _, sha in ipairs(attachment_digests(fields)) do
    if not found[sha] then
      found[sha] = true
      local key = K.blob(prefix, sha)
      local size = redis.call('HSTRLEN', key, 'content')
      if size > 0 and (not limited or size <= budget) then
        if limited then budget = budget - size end
        local blob = redis.call('HMGET', key, 'type', 'content')
        blobs[#blobs + 1] = {conv, sha, blob[1] or '', blob[2]}
      end
    end
  end
end

for i = REST_FROM, #ARGV, 3 do
  local kind, conv, entry = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  if kind == 'c' or kind == 'a' then
    local hash = redis.call('HGETALL', K.conversation(prefix, conv))
    if #hash > 0 then
      conversations[#conversations + 1] = {conv, hash, redis.call('HGETALL', K.delivery(prefix, conv))}
      if kind == 'a' then
        local all = redis.call('XRANGE', K.transcript(prefix, conv), '-', '+')
        local found = {}
        for _, e in ipairs(all) do
          messages[#messages + 1] = {conv, e[1], e[2]}
          kept_attachments(e[2], conv, found, false)
        end
        lengths[#lengths + 1] = conv
        lengths[#lengths + 1] = #all
      end
      local contact = redis.call('HGET', K.conversation(prefix, conv), 'contact')
      if contact and contact ~= '' and not seen[contact] then
        seen[contact] = true
        local c = redis.call('HGETALL', K.contact(prefix, contact))
        if #c > 0 then
          contacts[#contacts + 1] = {contact, c, redis.call('HGETALL', K.contact_attributes(prefix, contact))}
        end
      end
    end
  else
    local found = redis.call('XRANGE', K.transcript(prefix, conv), entry, entry)
    if #found > 0 then
      messages[#messages + 1] = {conv, entry, found[1][2]}
      kept_attachments(found[1][2], conv, {}, true)
    end
  end
end
return {conversations, messages, contacts, lengths, blobs}
