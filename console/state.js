// The console's state and how each event changes it. Every change is an
// upsert by id, so applying a snapshot and the events around it in any
// overlap shows each conversation and message once.

export const initialState = {
  mine: {},          // id → conversation assigned to me (open)
  offers: {},        // id → { conversation, expires_at }
  waiting: [],       // conversations queued in my queues (read-only)
  unread: {},        // id → true: a customer message I have not looked at
  openId: null,      // the conversation shown
  detail: null,      // it, with messages
  presence: {},      // conversation id → { agent → 'viewing' | 'typing' }
  labelFilter: '',
  connection: 'connecting',
};

function withMessage(detail, message) {
  if (!detail) return detail;
  const messages = detail.messages || [];
  if (messages.some((m) => m.id === message.id)) return detail;
  return { ...detail, messages: [...messages, message] };
}

function without(map, id) {
  if (!(id in map)) return map;
  const copy = { ...map };
  delete copy[id];
  return copy;
}

function updateMine(state, id, change) {
  if (!state.mine[id]) return state.mine;
  return { ...state.mine, [id]: { ...state.mine[id], ...change } };
}

export function reducer(state, action) {
  switch (action.type) {
    case 'connection':
      return { ...state, connection: action.state };
    case 'snapshot': {
      const mine = {};
      for (const c of action.mine) mine[c.id] = c;
      const offers = {};
      for (const c of action.offers) offers[c.id] = { conversation: c, expires_at: c.offer?.expires_at };
      return { ...state, mine, offers };
    }
    case 'waiting':
      return { ...state, waiting: action.conversations };
    case 'open':
      return { ...state, openId: action.id, detail: action.id === state.detail?.id ? state.detail : null,
               unread: without(state.unread, action.id) };
    case 'detail': {
      const c = action.conversation;
      if (c.id !== state.openId) return state;
      // A message shown from an event while this snapshot was read stays (each id once).
      const known = new Set((c.messages || []).map((m) => m.id));
      const extra = state.detail?.id === c.id ? (state.detail.messages || []).filter((m) => !known.has(m.id)) : [];
      const messages = [...(c.messages || []), ...extra];
      return { ...state, detail: { ...c, messages } };
    }
    case 'close':
      return { ...state, openId: null, detail: null };
    case 'labelFilter':
      return { ...state, labelFilter: action.label };
    case 'sent': {
      // My reply or note, shown at once (queued); the event for it later finds it there.
      const note = action.message.kind === 'note';
      let detail = state.openId === action.conversationId ? withMessage(state.detail, action.message) : state.detail;
      // A reply answers the customer: the response clock stops (a note stops nothing).
      if (!note && detail && detail.id === action.conversationId) detail = { ...detail, sla: null, awaiting_reply: false };
      const change = note ? {} : { awaiting_reply: false, sla: null };
      return { ...state, detail, mine: updateMine(state, action.conversationId, change) };
    }
    case 'event':
      return applyEvent(state, action.event, action.me);
    default:
      return state;
  }
}

function applyEvent(state, e, me) {
  const id = e.conversation_id || e.conversation?.id;
  switch (e.type) {
    case 'conversation.assigned':
      return { ...state, mine: { ...state.mine, [id]: e.conversation }, offers: without(state.offers, id),
               unread: state.openId === id ? state.unread : { ...state.unread, [id]: true } };
    case 'conversation.offered':
      return { ...state, offers: { ...state.offers, [id]: { conversation: e.conversation, expires_at: e.expires_at } } };
    case 'conversation.offer_expired':
    case 'conversation.offer_declined':
    case 'conversation.offer_withdrawn':
      return { ...state, offers: without(state.offers, id) };
    case 'conversation.resolved':
    case 'conversation.requeued':
      return { ...state, mine: without(state.mine, id), unread: without(state.unread, id),
               detail: state.detail?.id === id ? { ...state.detail, state: e.type === 'conversation.resolved' ? 'resolved' : 'queued' } : state.detail };
    case 'conversation.transferred':
      if (e.conversation && e.conversation.agent === me) {  // handed to me
        return { ...state, mine: { ...state.mine, [id]: e.conversation }, unread: { ...state.unread, [id]: true } };
      }
      return { ...state, mine: without(state.mine, id), unread: without(state.unread, id) };
    case 'message.created': {
      const m = e.message;
      const inbound = m.direction === 'in';
      const isNote = m.kind === 'note';
      // A note is for agents: it changes neither the preview nor the count of what the customer and agent said.
      const change = isNote ? {} : { last_message: m, message_count: (state.mine[id]?.message_count || 0) + 1 };
      if (inbound) change.awaiting_reply = true;
      else if (!isNote) change.awaiting_reply = false;
      const viewing = state.openId === id && !document.hidden;
      return {
        ...state,
        mine: updateMine(state, id, change),
        unread: inbound && !viewing ? { ...state.unread, [id]: true } : state.unread,
        detail: state.detail?.id === id ? withMessage(state.detail, m) : state.detail,
      };
    }
    case 'message.delivery': {
      if (state.detail?.id !== id) return state;
      const messages = (state.detail.messages || []).map((m) => (m.id === e.message_id ? { ...m, delivery: { ...(m.delivery || {}), ...e.delivery } } : m));
      return { ...state, detail: { ...state.detail, messages } };
    }
    case 'conversation.labels':
      return { ...state, mine: updateMine(state, id, { labels: e.labels }),
               detail: state.detail?.id === id ? { ...state.detail, labels: e.labels } : state.detail };
    case 'conversation.presence': {
      if (e.agent === me) return state;
      const here = { ...(state.presence[id] || {}) };
      if (e.what === 'left') delete here[e.agent];
      else here[e.agent] = { ...(here[e.agent] || {}), viewing: Date.now(), ...(e.what === 'typing' ? { typing: Date.now() } : {}) };
      return { ...state, presence: { ...state.presence, [id]: here } };
    }
    default:
      return state;
  }
}

/// My conversations in the order the inbox shows them: oldest first (a steady order for J and K).
export function inboxOrder(mine, labelFilter) {
  return Object.values(mine)
    .filter((c) => !labelFilter || (c.labels || []).includes(labelFilter))
    .sort((a, b) => String(a.created_at).localeCompare(String(b.created_at)) ||
                    a.id.length - b.id.length || a.id.localeCompare(b.id));
}
