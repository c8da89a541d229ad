// Talking to omnirouted: JSON calls authenticated by the session cookie (the
// token is never kept in the page), and the events WebSocket, which resumes
// from the last event it delivered after any drop — nothing missed, and an
// event seen twice (replayed after a reconnect) is passed on once.

export class ApiError extends Error {
  constructor(status, code, message, body) {
    super(message || code || `HTTP ${status}`);
    this.status = status;
    this.code = code;
    this.body = body;  // the whole JSON answer (a 400's "fields", …)
  }
}

/// One call: `body` is sent as JSON; answers the parsed JSON (null for 204).
export async function api(method, path, body) {
  const init = { method, credentials: 'same-origin', headers: {} };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, 'network', e.message);
  }
  if (res.status === 204 || res.status === 304) return null;
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) throw new ApiError(res.status, data?.error, data?.message, data);
  return data;
}

/// Stream ids ("<ms>-<seq>") in order.
export function streamIdAfter(a, b) {
  const [am, as] = a.split('-').map(Number);
  const [bm, bs] = b.split('-').map(Number);
  return am > bm || (am === bm && as > bs);
}

/// The agent's events: calls onEvent(event) once per event, in order, across reconnects;
/// onState('open' | 'connecting') as the connection comes and goes, and onState('revoked') when the server
/// closed it because its credential ended (1008: signed out elsewhere, token rotated): the page then asks
/// who it is and goes to the sign-in when no one.
export class EventStream {
  constructor(path, onEvent, onState) {
    this.path = path;
    this.onEvent = onEvent;
    this.onState = onState;
    this.lastId = '';
    this.delay = 500;
    this.stopped = false;
    this.ws = null;
    this.timer = null;
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.ws) this.ws.close(1000);
    this.ws = null;
  }

  /// Sends a signal (viewing / typing) when connected; dropped otherwise (it is only a hint).
  send(message) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }

  connect() {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const resume = this.lastId ? `&last_event_id=${encodeURIComponent(this.lastId)}` : '';
    const ws = new WebSocket(`${scheme}//${location.host}${this.path}${resume}`);
    this.ws = ws;
    this.onState('connecting');
    ws.onopen = () => {
      this.delay = 500;
      this.onState('open', ws);
    };
    ws.onmessage = (m) => {
      let event;
      try {
        event = JSON.parse(m.data);
      } catch {
        return;
      }
      if (event.id) {
        if (this.lastId && !streamIdAfter(event.id, this.lastId)) return;  // replayed: already seen
        this.lastId = event.id;
      }
      this.onEvent(event);
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.stopped) return;
      if (ev.code === 1008) this.onState('revoked');
      this.onState('connecting');
      this.timer = setTimeout(() => this.connect(), this.delay);
      this.delay = Math.min(this.delay * 2, 10000);
    };
  }
}
