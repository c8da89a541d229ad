// The supervisor board (GET /board, admin sign-in): queues, agents and the
// SLA watch list, live. The workspace's events stream (/v1/events) says that
// something changed; the board then re-reads the admin API, at most twice a
// second (updates batched), and every few seconds for deadlines that pass on
// their own. Countdowns tick in the page.

import { html, render, useEffect, useMemo, useRef, useState } from './html.js';
import { api, EventStream } from './api.js';
import { formatNumber, formatSpan, formatTime, initialLanguage, rememberLanguage, translator } from './i18n.js';
import { LanguagePicker, SignIn } from './signin.js';
import { AgentAdmin, CannedAdmin, LabelAdmin } from './board_admin.js';
import { AuditCard } from './board_audit.js';
import { ChannelAdmin } from './board_channels.js';
import { Reports } from './board_reports.js';
import { Search } from './search.js';
import { ContactDirectory } from './board_contacts.js';

function useNow() {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

function QueuesTable({ queues, t, lang }) {
  return html`
    <section class="card">
      <h2>${t('queues')}</h2>
      <table aria-label=${t('queues')}>
        <thead><tr>
          <th scope="col">${t('queue')}</th><th scope="col" class="num">${t('depth')}</th>
          <th scope="col" class="num">${t('oldestWait')}</th><th scope="col" class="num">${t('agentsAvailable')}</th>
          <th scope="col" class="num">${t('atRisk')}</th><th scope="col" class="num">${t('breached')}</th>
        </tr></thead>
        <tbody>${queues.map((q) => html`
          <tr key=${q.id} class=${q.breached > 0 ? 'row-breached' : q.at_risk > 0 ? 'row-at-risk' : ''}>
            <th scope="row">${q.id}</th>
            <td class="num">${formatNumber(q.depth, lang)}</td>
            <td class="num">${q.depth > 0 ? formatSpan(q.oldest_wait_seconds * 1000, lang) : '—'}</td>
            <td class="num">${formatNumber(q.agents_available, lang)}</td>
            <td class="num">${formatNumber(q.at_risk || 0, lang)}</td>
            <td class="num">${formatNumber(q.breached || 0, lang)}</td>
          </tr>`)}
        </tbody>
      </table>
    </section>`;
}

// Long tables (a thousand agents, hundreds at risk) render only the rows in view, plus a few: rows have
// a fixed height, and spacer rows stand for the rest, so scrolling and live updates stay cheap.
const ROW_HEIGHT = 34;
const ROWS_SHOWN = 14;

function useVisibleRows(count) {
  const [top, setTop] = useState(0);
  const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - 4);
  const last = Math.min(count, first + ROWS_SHOWN + 8);
  return { onScroll: (e) => setTop(e.currentTarget.scrollTop), first, last,
           before: first * ROW_HEIGHT, after: Math.max(0, count - last) * ROW_HEIGHT };
}

function Spacer({ height, columns }) {
  return height > 0 ? html`<tr aria-hidden="true" class="gap-rows" style=${{ height: `${height}px` }}><td colspan=${columns}></td></tr>` : null;
}

function AgentsTable({ agents, t, lang, now }) {
  const media = ['chat', 'sms', 'email'];
  const view = useVisibleRows(agents.length);
  return html`
    <section class="card">
      <h2>${t('agents')} <span class="meta">${formatNumber(agents.length, lang)}</span></h2>
      <div class="rows" onScroll=${view.onScroll}>
      <table aria-label=${t('agents')} aria-rowcount=${agents.length + 1}>
        <thead><tr>
          <th scope="col">${t('agent')}</th><th scope="col">${t('status')}</th><th scope="col">${t('since')}</th>
          ${media.map((m) => html`<th scope="col" class="num">${m}</th>`)}
        </tr></thead>
        <tbody>
          <${Spacer} height=${view.before} columns=${6} />
          ${agents.slice(view.first, view.last).map((a, i) => html`
          <tr key=${a.id} aria-rowindex=${view.first + i + 2}>
            <th scope="row" dir="auto">${a.name && a.name !== a.id ? `${a.name} (${a.id})` : a.id}</th>
            <td><span class=${`presence-${a.status}`}>${t(a.status)}</span></td>
            <td>${a.status_since ? formatSpan(now - Date.parse(a.status_since), lang) : '—'}</td>
            ${media.map((m) => html`<td class="num">${a.capacity[m] ? `${a.load[m]} / ${a.capacity[m]}` : '—'}</td>`)}
          </tr>`)}
          <${Spacer} height=${view.after} columns=${6} />
        </tbody>
      </table>
      </div>
    </section>`;
}

function targetName(target, t) {
  return target === 'next_response' ? t('nextResponse') : target === 'resolution' ? t('resolution') : t('firstResponse');
}

function SlaTable({ sla, t, lang, now, onOpen }) {
  const rows = [...sla.breached.map((e) => ({ ...e, stage: 'breached' })), ...sla.at_risk.map((e) => ({ ...e, stage: 'at_risk' }))];
  const view = useVisibleRows(rows.length);
  return html`
    <section class="card wide">
      <h2>${t('sla')}</h2>
      <div class="rows" onScroll=${view.onScroll}>
      <table aria-label=${t('sla')}>
        <thead><tr>
          <th scope="col">${t('conversationCol')}</th><th scope="col">${t('target')}</th><th scope="col">${t('queue')}</th>
          <th scope="col">${t('agent')}</th><th scope="col" class="num">${t('due')}</th>
        </tr></thead>
        <tbody>
          ${rows.length === 0 && html`<tr><td colspan="5" class="meta">${t('nobodyAtRisk')}</td></tr>`}
          <${Spacer} height=${view.before} columns=${5} />
          ${rows.slice(view.first, view.last).map((e) => {
            const left = Date.parse(e.due_at) - now;
            return html`
              <tr key=${`${e.conversation_id}:${e.target}`} class=${`row-${e.stage === 'breached' ? 'breached' : 'at-risk'}`}>
                <th scope="row"><button class="link" onClick=${() => onOpen(e.conversation_id)}>${e.conversation_id}</button></th>
                <td>${targetName(e.target, t)}</td>
                <td>${e.queue}</td>
                <td>${e.agent || '—'}</td>
                <td class="num">${left >= 0 ? t('dueIn', { t: formatSpan(left, lang) }) : t('overdue', { t: formatSpan(-left, lang) })}</td>
              </tr>`;
          })}
          <${Spacer} height=${view.after} columns=${5} />
        </tbody>
      </table>
      </div>
    </section>`;
}

function AlertFeed({ alerts, t, lang }) {
  return html`
    <section class="card" aria-label=${t('alerts')}>
      <h2>${t('alerts')}</h2>
      ${alerts.length === 0 ? html`<p class="meta">${t('noAlerts')}</p>` : html`
        <ul class="alerts">${alerts.map((a) => html`
          <li key=${a.id} class=${`alert alert-${String(a.type).replace('.', '-')}`}>
            <strong>${a.type}</strong> ${a.conversation_id || a.queue || ''} ${a.target ? `· ${targetName(a.target, t)}` : ''}
            <span class="meta">${formatTime(a.fired_at || a.raised_at, lang)}</span>
          </li>`)}
        </ul>`}
    </section>`;
}

function Reassign({ c, agents, queues, t, onDone }) {
  const [to, setTo] = useState('');
  const [error, setError] = useState('');
  const medium = c.medium || 'chat';
  const room = agents.filter((a) => a.id !== c.agent && a.status === 'available' && a.load[medium] < a.capacity[medium]);
  const go = async (e) => {
    e.preventDefault();
    if (!to) return;
    const [kind, target] = to.split(':');
    try {
      await api('POST', `/v1/conversations/${encodeURIComponent(c.id)}/transfer`, { [kind]: target });
      setError('');
      onDone();
    } catch (err) {
      setError(t('error', { m: err.message }));
    }
  };
  return html`
    <form class="reassign" onSubmit=${go}>
      <label>${t('transferTo')}
        <select value=${to} onChange=${(e) => setTo(e.target.value)}>
          <option value="">—</option>
          <optgroup label=${t('agent')}>${room.map((a) => html`<option value=${`agent:${a.id}`}>${a.name || a.id}</option>`)}</optgroup>
          <optgroup label=${t('queue')}>${queues.map((q) => html`<option value=${`queue:${q.id}`}>${q.id}</option>`)}</optgroup>
        </select>
      </label>
      <button type="submit" class="primary" disabled=${!to}>${t('reassign')}</button>
      ${error && html`<p class="error" role="alert">${error}</p>`}
    </form>`;
}

function ChannelsTable({ channels, dead, t, lang, onRetry }) {
  return html`
    <section class="card wide">
      <h2>${t('channels')}</h2>
      <table aria-label=${t('channels')}>
        <thead><tr>
          <th scope="col">${t('channel')}</th><th scope="col">${t('lastInbound')}</th>
          <th scope="col" class="num">${t('lag')}</th><th scope="col">${t('lastPoll')}</th>
          <th scope="col" class="num">${t('rateLimit')}</th><th scope="col">${t('lastError')}</th>
          <th scope="col" class="num">${t('sent')}</th><th scope="col" class="num">${t('retrying')}</th>
          <th scope="col" class="num">${t('failed')}</th><th scope="col" class="num">${t('deadLettered')}</th>
        </tr></thead>
        <tbody>${channels.map((c) => html`
          <tr key=${c.id} class=${c.outbound.dead > 0 ? 'row-at-risk' : ''}>
            <th scope="row">${c.id} <span class="meta">${c.kind}</span></th>
            <td>${c.last_inbound_at ? formatTime(c.last_inbound_at, lang) : '—'}</td>
            <td class="num">${c.lag_seconds == null ? '—' : formatSpan(c.lag_seconds * 1000, lang)}</td>
            <td>${c.last_poll_at ? formatTime(c.last_poll_at, lang) : '—'}</td>
            <td class="num">${c.rate_limit?.per_second ? t('perSecond', { n: formatNumber(c.rate_limit.per_second, lang) }) : '—'}</td>
            <td dir="auto">${c.last_error ? html`${c.last_error.message} <span class="meta">${formatTime(c.last_error.at, lang)}</span>` : '—'}</td>
            <td class="num">${formatNumber(c.outbound.sent, lang)}</td>
            <td class="num">${formatNumber(c.outbound.retrying, lang)}</td>
            <td class="num">${formatNumber(c.outbound.failed, lang)}</td>
            <td class="num">${formatNumber(c.outbound.dead, lang)}</td>
          </tr>`)}
        </tbody>
      </table>
      ${dead.length > 0 && html`
        <h3>${t('deadLetters')}</h3>
        <table aria-label=${t('deadLetters')}>
          <thead><tr><th scope="col">${t('conversationCol')}</th><th scope="col">${t('channel')}</th>
            <th scope="col">${t('reply')}</th><th scope="col">${t('lastError')}</th><th scope="col"></th></tr></thead>
          <tbody>${dead.map((d) => html`
            <tr key=${d.id}>
              <th scope="row">${d.conversation_id}</th><td>${d.channel}</td><td dir="auto">${d.text}</td>
              <td dir="auto">${d.reason}</td>
              <td>${d.retryable && html`<button onClick=${() => onRetry(d.id)}>${t('retry')}</button>`}</td>
            </tr>`)}
          </tbody>
        </table>`}
    </section>`;
}

/// A satisfaction score (1-5) as stars, with the number for screen readers and copying.
export function Stars({ score, t, lang }) {
  return html`<span class="stars" title=${`${t('score')} ${formatNumber(score, lang)}/5`}>${'★'.repeat(score)}${'☆'.repeat(Math.max(0, 5 - score))}
    <span class="score">${formatNumber(score, lang)}/5</span></span>`;
}

function ConversationPanel({ id, t, lang, onClose, agents, queues, version }) {
  const [c, setC] = useState(null);
  const [error, setError] = useState('');
  const load = () => api('GET', `/v1/conversations/${encodeURIComponent(id)}`).then(setC, (e) => setError(e.message));
  useEffect(() => { setC(null); load(); }, [id]);
  useEffect(() => { if (c) load(); }, [version]);  // the board saw a change: this conversation may have moved
  return html`
    <aside class="panel" aria-label=${t('readConversation')}>
      <header><h2 dir="auto">${c ? c.contact?.name || c.id : id}</h2><button onClick=${onClose}>${t('close')}</button></header>
      ${error && html`<p class="error">${error}</p>`}
      ${c && html`
        <p class="meta">${c.channel} · ${c.queue} · ${c.state}${c.agent ? ` · ${c.agent}` : ''}</p>
        ${c.csat != null && html`<p class="csat" aria-label=${t('satisfaction')}>${t('satisfaction')}: <${Stars} score=${c.csat} t=${t} lang=${lang} /></p>`}
        ${c.state === 'assigned' && html`<${Reassign} c=${c} agents=${agents} queues=${queues} t=${t} onDone=${load} />`}
        <section class="transcript" aria-label=${t('transcript')}>
          ${(c.messages || []).map((m) => html`
            <article class=${`message ${m.kind === 'note' ? 'note' : m.direction}`} key=${m.id}>
              <header><span class="author">${m.kind === 'note' ? t('noteMark') : m.direction === 'in' ? (m.from || t('customer')) : m.author}</span>
                <time>${formatTime(m.at, lang)}</time></header>
              <div class="text" dir="auto">${m.text}</div>
            </article>`)}
        </section>`}
    </aside>`;
}

/// `admin`: an admin (everything); false for a supervisor, who sees no control they may not use.
function Board({ t, lang, setLang, onSignOut, admin }) {
  const [queues, setQueues] = useState([]);
  const [agents, setAgents] = useState([]);
  const [sla, setSla] = useState({ at_risk: [], breached: [] });
  const [alerts, setAlerts] = useState([]);
  const [channels, setChannels] = useState([]);
  const [dead, setDead] = useState([]);
  const [canned, setCanned] = useState([]);
  const loadCanned = () => api('GET', '/v1/canned_responses').then((r) => setCanned(r.canned_responses), () => {});
  const [labels, setLabels] = useState([]);
  const loadLabels = () => api('GET', '/v1/labels').then((r) => setLabels(r.labels), () => {});
  const [connection, setConnection] = useState('connecting');
  const [openId, setOpenId] = useState(null);
  const [version, setVersion] = useState(0);
  const now = useNow();
  const pending = useRef(null);
  const last = useRef(0);

  const refresh = async () => {
    last.current = Date.now();
    try {
      const [q, a, s, al, ch, dl] = await Promise.all([
        api('GET', '/v1/queues'), api('GET', '/v1/agents'), api('GET', '/v1/sla?limit=200'),
        api('GET', '/v1/alerts?limit=30'), api('GET', '/v1/channels'), api('GET', '/v1/outbox/dead?limit=50')]);
      setChannels(ch.channels);
      setDead(dl.dead_letters);
      setQueues(q.queues);
      setAgents(a.agents);
      setSla(s);
      setAlerts(al.alerts);
      setVersion((v) => v + 1);
    } catch (e) {
      if (e.status === 401) onSignOut();
    }
  };
  // Batched: however many events arrive, at most one re-read every 500 ms.
  const soon = () => {
    if (pending.current) return;
    const wait = Math.max(0, 500 - (Date.now() - last.current));
    pending.current = setTimeout(() => { pending.current = null; refresh(); }, wait);
  };
  useEffect(() => {
    const stream = new EventStream('/v1/events', soon, (state) => {
      if (state === 'revoked') {  // signed out elsewhere, or the token changed: back to the sign-in if so
        api('GET', '/v1/session').catch((err) => { if (err.status === 401) onSignOut(); });
        return;
      }
      setConnection(state);
      if (state === 'open') soon();
    });
    stream.start();
    loadCanned();
    loadLabels();
    const timer = setInterval(soon, 3000);  // deadlines and alerts that come due with no event
    return () => { stream.stop(); clearInterval(timer); clearTimeout(pending.current); };
  }, []);

  const totals = useMemo(() => ({ depth: queues.reduce((n, q) => n + q.depth, 0),
                                   available: agents.filter((a) => a.status === 'available').length }), [queues, agents]);
  return html`
    <div class="board">
      <header class="top">
        <span class="brand">omniroute</span>
        <strong>${t('board')}</strong>
        <span class="meta">${t('total')}: ${formatNumber(totals.depth, lang)} · ${t('available')}: ${formatNumber(totals.available, lang)}</span>
        ${connection !== 'open' && html`<span class="connection" role="status">${t('reconnecting')}</span>`}
        <span class="spacer"></span>
        <${Search} t=${t} lang=${lang} onOpen=${setOpenId} />
        <${LanguagePicker} lang=${lang} setLang=${setLang} />
        <button onClick=${onSignOut}>${t('signOut')}</button>
      </header>
      <div class="board-grid">
        <${QueuesTable} queues=${queues} t=${t} lang=${lang} />
        <${AlertFeed} alerts=${alerts} t=${t} lang=${lang} />
        <${SlaTable} sla=${sla} t=${t} lang=${lang} now=${now} onOpen=${setOpenId} />
        <${AgentsTable} agents=${agents} t=${t} lang=${lang} now=${now} />
        <${ChannelsTable} channels=${channels} dead=${dead} t=${t} lang=${lang}
                          onRetry=${async (id) => { try { await api('POST', `/v1/outbox/dead/${encodeURIComponent(id)}/retry`); } catch { /* gone already */ } soon(); }} />
        <${Reports} t=${t} lang=${lang} />
        ${admin && html`
          <${AgentAdmin} agents=${agents} t=${t} onChanged=${soon} />
          <${CannedAdmin} canned=${canned} t=${t} onChanged=${loadCanned} />
          <${LabelAdmin} labels=${labels} t=${t} onChanged=${loadLabels} />
          <${ChannelAdmin} channels=${channels} queues=${queues} t=${t} onChanged=${soon} />
          <${AuditCard} t=${t} lang=${lang} version=${version} />`}
        <${ContactDirectory} t=${t} admin=${admin} onOpenConversation=${setOpenId} />
      </div>
      ${openId && html`<${ConversationPanel} id=${openId} t=${t} lang=${lang} onClose=${() => setOpenId(null)}
                                            agents=${agents} queues=${queues} version=${version} />`}
    </div>`;
}

function App() {
  const [lang, setLangState] = useState(initialLanguage());
  const [session, setSession] = useState(undefined);
  const t = useMemo(() => translator(lang), [lang]);
  const setLang = (code) => { rememberLanguage(code); setLangState(code); };
  useEffect(() => { document.documentElement.lang = lang; document.title = `${t('board')} · omniroute`; }, [lang]);
  const whoami = async () => {
    try { setSession(await api('GET', '/v1/session')); } catch { setSession(null); }
  };
  useEffect(() => { whoami(); }, []);
  const signOut = async () => {
    try { await api('DELETE', '/v1/session'); } catch { /* signed out here anyway */ }
    setSession(null);
  };
  if (session === undefined) return html`<p class="loading">omniroute…</p>`;
  if (!session) return html`<${SignIn} t=${t} onSignedIn=${whoami} lang=${lang} setLang=${setLang} />`;
  // A team lead (an agent with supervisor: true) has the supervisor's board.
  if (session.kind !== 'admin' && !session.supervisor) {
    return html`<main class="sign-in"><form><p>${t('notAdmin')}</p><a href="/">${t('openConsole')}</a>
      <button type="button" onClick=${signOut}>${t('signOut')}</button></form></main>`;
  }
  return html`<${Board} t=${t} lang=${lang} setLang=${setLang} onSignOut=${signOut} admin=${session.kind === 'admin' && session.role !== 'supervisor'} />`;
}

render(html`<${App} />`, document.getElementById('app'));
