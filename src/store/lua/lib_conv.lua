-- lib_conv.lua: read a hash as a table of named fields, for scripts that say
-- `--! uses: lib_conv`: `local c = load_fields(key, 'id', 'state')` then
-- `c.state` (false when the field is absent), never `c[2]`.

local function load_fields(key, ...)
  local names = {...}
  local values = redis.call('HMGET', key, unpack(names))
  local out = {}
  for i, name in ipairs(names) do out[name] = values[i] end
  return out
end
