// The console's live side: the agent's events WebSocket and the lists it keeps
// current (mine, offers, waiting), with notifications for what needs an answer.
// Callbacks read the language, the state and the notification choice through
// refs, so what they say follows the agent's current choices, not those at sign-in.

import { useEffect } from './html.js';
import { api, EventStream } from './api.js';
import { chime, notify } from './notify.js';

/// Opens the events socket once per session and applies every event; `live` holds refs:
/// { stream, state, t, alerts } and the callbacks { loadWaiting, loadDetail, onSignOut }.
export function useAgentEvents(me, dispatch, live) {
  useEffect(() => {
    let buffered = null;
    let refreshTimer = null;
    const onEvent = (e) => {
      if (buffered) { buffered.push(e); return; }
      handle(e);
    };
    const handle = (e) => {
      // Resumed from too far back (or the server could not replay): read everything again, as on a first connect.
      if (e.type === 'reload') { onState('open'); return; }
      dispatch({ type: 'event', event: e, me });
      const s = live.state.current;
      const t = live.t.current;
      const id = e.conversation_id || e.conversation?.id;
      if (e.type === 'agent.removed') live.onSignOut();
      if (e.type === 'conversation.assigned' || (e.type === 'message.created' && e.message?.direction === 'in')) {
        if (live.alerts.current && (document.hidden || s.openId !== id)) {
          const who = e.conversation?.contact?.name || s.mine[id]?.contact?.name || id;
          notify(who, e.message?.text || t('needsAnswer'));
          chime();
        }
      }
      if (e.type === 'conversation.queued' || e.type === 'conversation.assigned' || e.type === 'conversation.requeued' ||
          e.type === 'conversation.resolved' || e.type === 'conversation.transferred') live.loadWaiting();
      if (e.type === 'conversation.presence' && e.what === 'viewing' && s.openId === id && !s.presence[id]?.[e.agent]) {
        live.stream.current?.send({ type: 'viewing', conversation_id: id });  // someone new: let them see me too
      }
      if (e.type === 'conversation.transferred' && s.openId === id) live.loadDetail(id);
      if (e.type === 'message.created' && e.message?.direction === 'in' && s.openId === id) {
        clearTimeout(refreshTimer);
        refreshTimer = setTimeout(() => live.loadDetail(id), 1500);  // its next-response clock, once the monitor set it
      }
    };
    const onState = async (connection) => {
      if (connection === 'revoked') {
        // The server ended this socket's authority: still signed in (another credential)? else sign-in.
        api('GET', '/v1/session').catch((err) => { if (err.status === 401) live.onSignOut(); });
        return;
      }
      dispatch({ type: 'connection', state: connection });
      if (connection !== 'open') return;
      buffered = [];
      try {
        const [mine, offers] = await Promise.all([api('GET', '/v1/agents/me/conversations'),
                                                  api('GET', '/v1/agents/me/offers')]);
        dispatch({ type: 'snapshot', mine: mine.conversations, offers: offers.offers });
        const open = live.state.current.openId;
        if (open) live.loadDetail(open);
      } catch (err) {
        if (err.status === 401) live.onSignOut();
      }
      const later = buffered;
      buffered = null;
      for (const e of later) handle(e);
      live.loadWaiting();
    };
    live.stream.current = new EventStream('/v1/agents/me/events?waiting=1', onEvent, onState);
    live.stream.current.start();
    const waitingTimer = setInterval(live.loadWaiting, 15000);
    // Still here: others drop a viewer not heard from for a minute (a closed laptop says no goodbye).
    const viewingTimer = setInterval(() => {
      const open = live.state.current.openId;
      if (open && !document.hidden) live.stream.current?.send({ type: 'viewing', conversation_id: open });
    }, 25000);
    const leave = () => {
      const open = live.state.current.openId;
      if (open) live.stream.current?.send({ type: 'left', conversation_id: open });
    };
    window.addEventListener('pagehide', leave);
    return () => {
      leave();
      clearTimeout(refreshTimer);
      live.stream.current.stop();
      clearInterval(waitingTimer);
      clearInterval(viewingTimer);
      window.removeEventListener('pagehide', leave);
    };
  }, []);
}
