-- lib_attachments.lua: the kept attachments a transcript entry names, for archive_read.lua (archived with
-- their conversation) and evict.lua (let go with it). Prepended to both.

-- The sha256 of each kept attachment in a transcript entry's fields (flat): its `attachments` JSON lists
-- each file, a kept one with url /v1/attachments/<sha256>.
local function attachment_digests(fields)
  local out = {}
  for n = 1, #fields, 2 do
    if fields[n] == 'attachments' and fields[n + 1] ~= '' and fields[n + 1] ~= '[]' then
      local ok, list = pcall(cjson.decode, fields[n + 1])
      if ok and type(list) == 'table' then
        for _, a in ipairs(list) do
          local sha = type(a) == 'table' and type(a.url) == 'string' and string.match(a.url, '^/v1/attachments/(%x+)$')
          if sha then out[#out + 1] = sha end
        end
      end
    end
  end
  return out
end
