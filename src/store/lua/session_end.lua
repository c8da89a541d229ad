-- session_end.lua: sign one browser session out, and say so on the events
-- stream: every daemon's event sockets opened with a credential re-check it
-- before they write another event (a signed-out cookie stops reading at once).
--
--! keys: session events
--! args: events_max now
-- k_session or:{ws}:session:<sha256 of the secret>; k_events or:{ws}:events
--! status: ended

redis.call('DEL', k_session)
redis.call('XADD', k_events, 'MAXLEN', '~', a_events_max, '*', 'type', 'credential.changed', 'at', a_now)
return 'ended'
