-- responses_forget.lua: an hour's response records leave Redis once the history holds every one of
-- them (its mark is the stream's last entry id, or the stream is gone): the stream and its mark go.
-- An hour with a record the history has not got stays.
--
--! args: prefix hour
--! status: forgotten
--! status: kept

local key = K.responses_archived(a_prefix)
local stream = K.responses(a_prefix, a_hour)
local mark = redis.call('HGET', key, a_hour)
local last = redis.call('XREVRANGE', stream, '+', '-', 'COUNT', 1)
if #last > 0 and last[1][1] ~= mark then return 'kept' end
if redis.call('SISMEMBER', K.responses_waiting(a_prefix), a_hour) == 1 then return 'kept' end
redis.call('DEL', stream)
redis.call('HDEL', key, a_hour)
return 'forgotten'
