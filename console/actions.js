// What an agent does to conversations through the API (reply, note, resolve,
// transfer, labels, offers), each applied to the console's state when the
// server has accepted it; a refusal is shown through `fail`.

import { api } from './api.js';

const path = (id, what) => `/v1/conversations/${encodeURIComponent(id)}/${what}`;

/// The conversation pane's actions; `open(id)` opens another conversation, `stream` is the events socket's ref.
export function conversationActions({ dispatch, me, fail, setError, open, stream }) {
  const event = (e) => dispatch({ type: 'event', event: e, me });
  return {
    async send(id, text, asNote) {
      try {
        const r = await api('POST', path(id, asNote ? 'notes' : 'messages'), { text });
        for (const m of r.messages || [r.message]) dispatch({ type: 'sent', conversationId: id, message: m });
        setError('');
        return true;
      } catch (err) {
        fail(err);
        return false;
      }
    },
    async resolve(id) {
      try {
        await api('POST', path(id, 'resolve'));
        event({ type: 'conversation.resolved', conversation_id: id });
      } catch (err) { fail(err); }
    },
    async transfer(id, to) {
      try {
        await api('POST', path(id, 'transfer'), to);
        event({ type: 'conversation.transferred', conversation_id: id });
        dispatch({ type: 'close' });
      } catch (err) { fail(err); }
    },
    async label(id, label, add) {
      try {
        const r = await api(add ? 'PUT' : 'DELETE', path(id, `labels/${encodeURIComponent(label)}`));
        event({ type: 'conversation.labels', conversation_id: id, labels: r.labels });
      } catch (err) { fail(err); }
    },
    transferTargets: (medium) => api('GET', `/v1/agents/me/transfer_targets?medium=${encodeURIComponent(medium || 'chat')}`),
    openHistory: (id) => open(id),
    signal: (what, id) => stream.current?.send({ type: what, conversation_id: id }),
  };
}

/// Accepts (then opens) or rejects an offered conversation; an offer gone meanwhile is shown expired.
export async function answerOffer({ dispatch, me, fail, open }, id, accept) {
  const event = (e) => dispatch({ type: 'event', event: e, me });
  try {
    const c = await api('POST', path(id, accept ? 'accept' : 'reject'));
    if (accept) {
      event({ type: 'conversation.assigned', conversation: c });
      open(id);
    } else {
      event({ type: 'conversation.offer_declined', conversation_id: id });
    }
  } catch (err) {
    event({ type: 'conversation.offer_expired', conversation_id: id });
    fail(err);
  }
}
