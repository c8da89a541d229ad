// The agent console: sign-in, the live inbox, the open conversation, presence,
// language, notifications and keyboard shortcuts. Everything it shows comes
// from omnirouted's API and its events WebSocket (same origin, session cookie).

import { html, render, useCallback, useEffect, useMemo, useReducer, useRef, useState } from './html.js';
import { api, ApiError, EventStream } from './api.js';
import { initialLanguage, rememberLanguage, translator } from './i18n.js';
import { initialState, inboxOrder, reducer } from './state.js';
import { Inbox, Offers } from './inbox.js';
import { ConversationView } from './conversation.js';
import { chime, notify, notificationsAllowed } from './notify.js';
import { LanguagePicker, SignIn } from './signin.js';

function Shortcuts({ t, onClose }) {
  const dialog = useRef(null);
  useEffect(() => dialog.current?.showModal?.(), []);
  const rows = [['J', t('shortcutNext')], ['K', t('shortcutPrev')], ['R', t('shortcutReply')], ['N', t('shortcutNote')],
                ['E', t('shortcutResolve')], ['?', t('shortcutHelp')]];
  return html`
    <dialog ref=${dialog} class="shortcuts" aria-label=${t('shortcuts')} onClose=${onClose}>
      <h2>${t('shortcuts')}</h2>
      <dl>${rows.map(([k, what]) => html`<dt><kbd>${k}</kbd></dt><dd>${what}</dd>`)}</dl>
      <div class="dialog-actions"><button onClick=${onClose}>${t('close')}</button></div>
    </dialog>`;
}

function Console({ session, t, lang, setLang, onSignOut }) {
  const me = session.agent.id;
  const [state, dispatch] = useReducer(reducer, initialState);
  const [tab, setTab] = useState('mine');
  const [status, setStatus] = useState(session.agent.status || 'offline');
  const [canned, setCanned] = useState([]);
  const [catalog, setCatalog] = useState([]);  // the workspace's label catalogue: suggestions
  const [error, setError] = useState('');
  const [alerts, setAlerts] = useState(notificationsAllowed());
  const [help, setHelp] = useState(false);
  const stream = useRef(null);
  const composer = useRef(null);
  const stateRef = useRef(state);
  stateRef.current = state;
  const alertsRef = useRef(alerts);
  alertsRef.current = alerts;

  const fail = (err) => setError(t('error', { m: err.message }));

  const loadWaiting = useCallback(() => api('GET', '/v1/agents/me/waiting')
    .then((r) => dispatch({ type: 'waiting', conversations: r.conversations }), () => {}), []);

  const loadDetail = useCallback(async (id) => {
    try {
      const c = await api('GET', `/v1/conversations/${encodeURIComponent(id)}`);
      dispatch({ type: 'detail', conversation: c });
    } catch (err) {
      if (err.status === 403 || err.status === 404) dispatch({ type: 'close' });
      else fail(err);
    }
  }, []);

  // The events socket first, then the lists: events during the load are applied after it (upserts by id).
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
      const s = stateRef.current;
      const id = e.conversation_id || e.conversation?.id;
      if (e.type === 'agent.removed') onSignOut();
      if (e.type === 'conversation.assigned' || (e.type === 'message.created' && e.message?.direction === 'in')) {
        if (alertsRef.current && (document.hidden || s.openId !== id)) {
          const who = e.conversation?.contact?.name || s.mine[id]?.contact?.name || id;
          notify(who, e.message?.text || t('needsAnswer'));
          chime();
        }
      }
      if (e.type === 'conversation.queued' || e.type === 'conversation.assigned' || e.type === 'conversation.requeued' ||
          e.type === 'conversation.resolved' || e.type === 'conversation.transferred') loadWaiting();
      if (e.type === 'conversation.presence' && e.what === 'viewing' && s.openId === id && !s.presence[id]?.[e.agent]) {
        stream.current?.send({ type: 'viewing', conversation_id: id });  // someone new: let them see me too
      }
      if (e.type === 'conversation.transferred' && s.openId === id) loadDetail(id);
      if (e.type === 'message.created' && e.message?.direction === 'in' && s.openId === id) {
        clearTimeout(refreshTimer);
        refreshTimer = setTimeout(() => loadDetail(id), 1500);  // its next-response clock, once the monitor set it
      }
    };
    const onState = async (connection) => {
      if (connection === 'revoked') {
        // The server ended this socket's authority: still signed in (another credential)? else sign-in.
        api('GET', '/v1/session').catch((err) => { if (err.status === 401) onSignOut(); });
        return;
      }
      dispatch({ type: 'connection', state: connection });
      if (connection !== 'open') return;
      buffered = [];
      try {
        const [mine, offers] = await Promise.all([api('GET', '/v1/agents/me/conversations'),
                                                  api('GET', '/v1/agents/me/offers')]);
        dispatch({ type: 'snapshot', mine: mine.conversations, offers: offers.offers });
        const open = stateRef.current.openId;
        if (open) loadDetail(open);
      } catch (err) {
        if (err.status === 401) onSignOut();
      }
      const later = buffered;
      buffered = null;
      for (const e of later) handle(e);
      loadWaiting();
    };
    stream.current = new EventStream('/v1/agents/me/events?waiting=1', onEvent, onState);
    stream.current.start();
    api('GET', '/v1/canned_responses').then((r) => setCanned(r.canned_responses), () => {});
    api('GET', '/v1/labels').then((r) => setCatalog(r.labels), () => {});
    const waitingTimer = setInterval(loadWaiting, 15000);
    // Still here: others drop a viewer not heard from for a minute (a closed laptop says no goodbye).
    const viewingTimer = setInterval(() => {
      const open = stateRef.current.openId;
      if (open && !document.hidden) stream.current?.send({ type: 'viewing', conversation_id: open });
    }, 25000);
    const leave = () => {
      const open = stateRef.current.openId;
      if (open) stream.current?.send({ type: 'left', conversation_id: open });
    };
    window.addEventListener('pagehide', leave);
    return () => {
      leave();
      stream.current.stop();
      clearInterval(waitingTimer);
      clearInterval(viewingTimer);
      window.removeEventListener('pagehide', leave);
    };
  }, []);

  const mine = useMemo(() => inboxOrder(state.mine, state.labelFilter), [state.mine, state.labelFilter]);
  const labels = useMemo(() => [...new Set(Object.values(state.mine).flatMap((c) => c.labels || []))].sort(), [state.mine]);
  const awaiting = Object.values(state.mine).filter((c) => c.awaiting_reply).length;
  useEffect(() => {
    document.title = awaiting > 0 ? `(${awaiting}) ${t('title')}` : t('title');
  }, [awaiting, lang]);

  const open = useCallback((id) => {
    const previous = stateRef.current.openId;
    if (previous && previous !== id) stream.current?.send({ type: 'left', conversation_id: previous });
    dispatch({ type: 'open', id });
    stream.current?.send({ type: 'viewing', conversation_id: id });
    loadDetail(id);
  }, []);

  const actions = {
    async send(id, text, asNote) {
      try {
        const r = await api('POST', `/v1/conversations/${encodeURIComponent(id)}/${asNote ? 'notes' : 'messages'}`, { text });
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
        await api('POST', `/v1/conversations/${encodeURIComponent(id)}/resolve`);
        dispatch({ type: 'event', event: { type: 'conversation.resolved', conversation_id: id }, me });
      } catch (err) { fail(err); }
    },
    async transfer(id, to) {
      try {
        await api('POST', `/v1/conversations/${encodeURIComponent(id)}/transfer`, to);
        dispatch({ type: 'event', event: { type: 'conversation.transferred', conversation_id: id }, me });
        dispatch({ type: 'close' });
      } catch (err) { fail(err); }
    },
    async label(id, label, add) {
      try {
        const r = await api(add ? 'PUT' : 'DELETE', `/v1/conversations/${encodeURIComponent(id)}/labels/${encodeURIComponent(label)}`);
        dispatch({ type: 'event', event: { type: 'conversation.labels', conversation_id: id, labels: r.labels }, me });
      } catch (err) { fail(err); }
    },
    transferTargets: (medium) => api('GET', `/v1/agents/me/transfer_targets?medium=${encodeURIComponent(medium || 'chat')}`),
    openHistory: (id) => open(id),
    signal: (what, id) => stream.current?.send({ type: what, conversation_id: id }),
  };

  const answerOffer = async (id, accept) => {
    try {
      const c = await api('POST', `/v1/conversations/${encodeURIComponent(id)}/${accept ? 'accept' : 'reject'}`);
      if (accept) {
        dispatch({ type: 'event', event: { type: 'conversation.assigned', conversation: c }, me });
        open(id);
      } else {
        dispatch({ type: 'event', event: { type: 'conversation.offer_declined', conversation_id: id }, me });
      }
    } catch (err) {
      dispatch({ type: 'event', event: { type: 'conversation.offer_expired', conversation_id: id }, me });
      fail(err);
    }
  };

  const changeStatus = async (value) => {
    try {
      await api('PUT', '/v1/agents/me/status', { status: value });
      setStatus(value);
    } catch (err) { fail(err); }
  };

  // Keyboard shortcuts, never while typing in a field.
  useEffect(() => {
    const onKey = (e) => {
      const el = e.target;
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName))) return;
      if (document.querySelector('dialog[open]') && e.key !== '?') return;
      const list = inboxOrder(stateRef.current.mine, stateRef.current.labelFilter);
      const at = list.findIndex((c) => c.id === stateRef.current.openId);
      const key = e.key.toLowerCase();
      if (key === 'j' && list.length) { e.preventDefault(); open(list[Math.min(at + 1, list.length - 1)].id); }
      else if (key === 'k' && list.length) { e.preventDefault(); open(list[Math.max(at - 1, 0)].id); }
      else if (key === 'r') { e.preventDefault(); composer.current?.focus(false); }
      else if (key === 'n') { e.preventDefault(); composer.current?.focus(true); }
      else if (key === 'e' && stateRef.current.openId && stateRef.current.mine[stateRef.current.openId]) {
        e.preventDefault(); actions.resolve(stateRef.current.openId);
      }
      else if (e.key === '?') { e.preventDefault(); setHelp(true); }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  const readOnly = !!state.detail && !state.mine[state.detail.id] && state.detail.state !== 'resolved' &&
                   state.detail.agent !== me;
  return html`
    <div class="console">
      <header class="top">
        <span class="brand">omniroute</span>
        <span class="me" dir="auto">${session.agent.name}</span>
        <label class="status">${t('status')}
          <select value=${status} onChange=${(e) => changeStatus(e.target.value)}>
            <option value="available">${t('available')}</option>
            <option value="away">${t('away')}</option>
            <option value="offline">${t('offline')}</option>
          </select>
        </label>
        ${state.connection !== 'open' && html`<span class="connection" role="status">${t('reconnecting')}</span>`}
        <span class="spacer"></span>
        <button class="toggle" aria-pressed=${alerts ? 'true' : 'false'}
                onClick=${async () => setAlerts(!alerts && await Notification.requestPermission?.() === 'granted')}>
          ${t('notifications')}
        </button>
        <button class="link" onClick=${() => setHelp(true)} aria-label=${t('shortcuts')}>?</button>
        <${LanguagePicker} lang=${lang} setLang=${setLang} />
        <button onClick=${onSignOut}>${t('signOut')}</button>
      </header>
      ${error && html`<p class="error banner" role="alert">${error} <button class="link" onClick=${() => setError('')}>×</button></p>`}
      <div class="panes">
        <div class="left">
          <${Offers} offers=${state.offers} t=${t} onAnswer=${answerOffer} />
          <${Inbox} tab=${tab} setTab=${setTab} mine=${mine} waiting=${state.waiting} unread=${state.unread}
                    openId=${state.openId} onOpen=${open} t=${t} lang=${lang} labels=${labels}
                    labelFilter=${state.labelFilter} setLabelFilter=${(l) => dispatch({ type: 'labelFilter', label: l })} />
        </div>
        <${ConversationView} detail=${state.detail} readOnly=${readOnly} t=${t} lang=${lang} me=${me}
                             meName=${session.agent.name} presence=${state.presence[state.openId]} actions=${actions}
                             canned=${canned} catalog=${catalog} composerRef=${composer} />
      </div>
      ${help && html`<${Shortcuts} t=${t} onClose=${() => setHelp(false)} />`}
    </div>`;
}

function App() {
  const [lang, setLangState] = useState(initialLanguage());
  const [session, setSession] = useState(undefined);  // undefined: asking; null: signed out
  const t = useMemo(() => translator(lang), [lang]);
  const setLang = (code) => { rememberLanguage(code); setLangState(code); };
  useEffect(() => { document.documentElement.lang = lang; }, [lang]);

  const whoami = async () => {
    try {
      const s = await api('GET', '/v1/session');
      if (s.kind === 'admin') { location.assign('/board'); return; }  // supervisors work on the board
      setSession(s.kind === 'agent' ? s : null);
    } catch {
      setSession(null);
    }
  };
  useEffect(() => { whoami(); }, []);
  const signOut = async () => {
    try { await api('DELETE', '/v1/session'); } catch { /* signed out locally anyway */ }
    setSession(null);
  };
  if (session === undefined) return html`<p class="loading">omniroute…</p>`;
  if (!session) return html`<${SignIn} t=${t} onSignedIn=${whoami} lang=${lang} setLang=${setLang} />`;
  return html`<${Console} key=${session.agent.id} session=${session} t=${t} lang=${lang} setLang=${setLang} onSignOut=${signOut} />`;
}

render(html`<${App} />`, document.getElementById('app'));
