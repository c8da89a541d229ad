// The agent console: sign-in, the live inbox, the open conversation, presence,
// language, notifications and keyboard shortcuts. Everything it shows comes
// from omnirouted's API and its events WebSocket (same origin, session cookie).

import { html, render, useCallback, useEffect, useMemo, useReducer, useRef, useState } from './html.js';
import { api } from './api.js';
import { initialLanguage, rememberLanguage, translator } from './i18n.js';
import { initialState, inboxOrder, reducer } from './state.js';
import { Inbox, Offers } from './inbox.js';
import { ConversationView } from './conversation.js';
import { notificationsAllowed } from './notify.js';
import { SignIn } from './signin.js';
import { useAgentEvents } from './live.js';
import { Shortcuts, useShortcuts } from './shortcuts.js';
import { answerOffer, conversationActions } from './actions.js';
import { TopBar } from './topbar.js';

/// A ref that always holds the latest value: what long-lived callbacks (the events socket, timers,
/// key handlers) read, so they follow the agent's current language and choices.
function useLatest(value) {
  const ref = useRef(value);
  ref.current = value;
  return ref;
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
  const stateRef = useLatest(state);
  const tRef = useLatest(t);
  const fail = useCallback((err) => setError(tRef.current('error', { m: err.message })), []);

  const loadWaiting = useCallback(() => api('GET', '/v1/agents/me/waiting')
    .then((r) => dispatch({ type: 'waiting', conversations: r.conversations }), () => {}), []);
  const loadDetail = useCallback(async (id) => {
    try {
      dispatch({ type: 'detail', conversation: await api('GET', `/v1/conversations/${encodeURIComponent(id)}`) });
    } catch (err) {
      if (err.status === 403 || err.status === 404) dispatch({ type: 'close' });
      else fail(err);
    }
  }, []);
  const open = useCallback((id) => {
    const previous = stateRef.current.openId;
    if (previous && previous !== id) stream.current?.send({ type: 'left', conversation_id: previous });
    dispatch({ type: 'open', id });
    stream.current?.send({ type: 'viewing', conversation_id: id });
    loadDetail(id);
  }, []);

  // The events socket first, then the lists: events during the load are applied after it (upserts by id).
  useAgentEvents(me, dispatch, { stream, state: stateRef, t: tRef, alerts: useLatest(alerts), loadWaiting, loadDetail,
                                 onSignOut });
  useEffect(() => {
    api('GET', '/v1/canned_responses').then((r) => setCanned(r.canned_responses), () => {});
    api('GET', '/v1/labels').then((r) => setCatalog(r.labels), () => {});
  }, []);

  const mine = useMemo(() => inboxOrder(state.mine, state.labelFilter), [state.mine, state.labelFilter]);
  const labels = useMemo(() => [...new Set(Object.values(state.mine).flatMap((c) => c.labels || []))].sort(), [state.mine]);
  const awaiting = Object.values(state.mine).filter((c) => c.awaiting_reply).length;
  useEffect(() => {
    document.title = awaiting > 0 ? `(${awaiting}) ${t('title')}` : t('title');
  }, [awaiting, lang]);

  const actions = conversationActions({ dispatch, me, fail, setError, open, stream });
  // On a phone one pane shows at a time: Back leaves the conversation for the list.
  const back = () => {
    const id = stateRef.current.openId;
    if (id) stream.current?.send({ type: 'left', conversation_id: id });
    dispatch({ type: 'close' });
  };
  useShortcuts(useLatest({ state, open, composer, resolve: actions.resolve, help: () => setHelp(true) }));
  const changeStatus = async (value) => {
    try {
      await api('PUT', '/v1/agents/me/status', { status: value });
      setStatus(value);
    } catch (err) { fail(err); }
  };

  const readOnly = !!state.detail && !state.mine[state.detail.id] && state.detail.state !== 'resolved' &&
                   state.detail.agent !== me;
  return html`
    <div class=${state.openId ? 'console showing-conversation' : 'console'}>
      <${TopBar} t=${t} lang=${lang} setLang=${setLang} name=${session.agent.name} status=${status}
                 onStatus=${changeStatus} connected=${state.connection === 'open'} alerts=${alerts}
                 onAlerts=${async () => setAlerts(!alerts && await Notification.requestPermission?.() === 'granted')}
                 onHelp=${() => setHelp(true)} onSignOut=${onSignOut} onOpen=${open} />
      ${error && html`<p class="error banner" role="alert">${error} <button class="link" onClick=${() => setError('')}>×</button></p>`}
      <div class="panes">
        <div class="left">
          <${Offers} offers=${state.offers} t=${t} onAnswer=${(id, accept) => answerOffer({ dispatch, me, fail, open }, id, accept)} />
          <${Inbox} tab=${tab} setTab=${setTab} mine=${mine} waiting=${state.waiting} unread=${state.unread}
                    openId=${state.openId} onOpen=${open} t=${t} lang=${lang} labels=${labels}
                    labelFilter=${state.labelFilter} setLabelFilter=${(l) => dispatch({ type: 'labelFilter', label: l })} />
        </div>
        <${ConversationView} detail=${state.detail} readOnly=${readOnly} t=${t} lang=${lang} me=${me}
                             meName=${session.agent.name} presence=${state.presence[state.openId]} actions=${actions}
                             canned=${canned} catalog=${catalog} composerRef=${composer} onBack=${back} />
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
