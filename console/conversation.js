// One conversation: who and where, its response clock, labels, who else is on
// it, the Transcript (customer text is always text, never markup), the
// composer, and the contact panel with the person's other conversations.

import { html, useEffect, useRef, useState } from './html.js';
import { formatNumber, formatTime } from './i18n.js';
import { SlaChip } from './sla.js';
import { Composer } from './composer.js';

function Message({ m, t, lang, channel, customer }) {
  const note = m.kind === 'note';
  const inbound = m.direction === 'in';
  const cls = `message ${note ? 'note' : inbound ? 'in' : 'out'}`;
  // The customer by name (their handle on this channel beside it), agents by id.
  const author = note ? `${t('noteMark')} · ${m.author || ''}` : inbound ? (customer || m.from || t('customer')) : (m.author || '');
  const status = !note && !inbound ? m.delivery?.status || 'queued' : null;
  return html`
    <article class=${cls} data-message-id=${m.id}>
      <header>
        <span class="author" dir="auto">${author}</span>
        ${inbound && html`<span class="via">${customer && m.from ? `${m.from} · ` : ''}${channel}</span>`}
        <time datetime=${m.at}>${formatTime(m.at, lang)}</time>
      </header>
      ${m.subject && html`<div class="subject" dir="auto">${m.subject}</div>`}
      <div class="text" dir="auto">${m.text}</div>
      ${(m.attachments || []).length > 0 && html`
        <ul class="attachments" aria-label=${t('attachments')}>
          ${m.attachments.map((a) => html`<li>${String(a.url || '').startsWith('/v1/attachments/')
            ? html`<a href=${a.url} download=${a.name || ''}>${a.name || a.type || a.url}</a>`
            : html`<span dir="auto">${a.name || a.type || ''}</span>`}</li>`)}
        </ul>`}
      ${status && html`
        <footer class=${`delivery delivery-${status}`} data-delivery=${status}>
          ${t(status)}${status === 'failed' && m.delivery?.reason ? ` — ${m.delivery.reason}` : ''}
        </footer>`}
    </article>`;
}

function Labels({ labels, catalog, t, onAdd, onRemove, readOnly }) {
  const [adding, setAdding] = useState('');
  const known = Object.fromEntries(catalog.map((l) => [l.name, l]));
  return html`
    <div class="labels" aria-label=${t('labels')} role="group">
      ${(labels || []).map((l) => html`
        <span class=${`label-chip label-${known[l]?.color || 'grey'}`} title=${known[l]?.description || ''}>${l}${!readOnly && html`<button class="chip-x" aria-label=${t('removeLabel', { label: l })}
          onClick=${() => onRemove(l)}>×</button>`}</span>`)}
      ${!readOnly && html`
        <form class="add-label" onSubmit=${(e) => { e.preventDefault(); if (adding.trim()) { onAdd(adding.trim()); setAdding(''); } }}>
          <input aria-label=${t('addLabel')} placeholder=${t('addLabel')} value=${adding} maxlength="40" list="label-catalog"
                 pattern="[A-Za-z0-9_\\-]+" onInput=${(e) => setAdding(e.target.value)} />
          <datalist id="label-catalog">${catalog.map((l) => html`<option value=${l.name}>${l.description}</option>`)}</datalist>
        </form>`}
    </div>`;
}

function ContactPanel({ contact, t, lang, onOpenHistory, currentId }) {
  if (!contact) return null;
  const attributes = Object.entries(contact.attributes || {});
  const history = (contact.conversations || []).filter((c) => c.id !== currentId);
  return html`
    <aside class="contact" aria-label=${t('contact')}>
      <h2 dir="auto">${contact.name || contact.id}</h2>
      <h3>${t('handles')}</h3>
      <ul>${(contact.handles || []).map((h) => html`<li dir="auto">${h}</li>`)}</ul>
      ${attributes.length > 0 && html`
        <h3>${t('attributes')}</h3>
        <dl>${attributes.map(([k, v]) => html`<dt>${k}</dt><dd dir="auto">${v}</dd>`)}</dl>`}
      ${history.length > 0 && html`
        <h3>${t('history')}</h3>
        <ul class="history">${history.map((c) => html`
          <li><button class="link" onClick=${() => onOpenHistory(c.id)}>${c.id} · ${formatTime(c.created_at, lang)}</button></li>`)}
        </ul>`}
    </aside>`;
}

function TransferDialog({ conversation, t, onTransfer, onClose, loadTargets }) {
  const [targets, setTargets] = useState(null);
  const dialog = useRef(null);
  useEffect(() => {
    loadTargets(conversation.medium).then(setTargets, () => setTargets({ queues: [], agents: [] }));
    dialog.current?.showModal?.();
  }, []);
  return html`
    <dialog ref=${dialog} class="transfer" aria-label=${t('transferTo')} onClose=${onClose}>
      <h2>${t('transferTo')}</h2>
      ${!targets ? html`<p>…</p>` : html`
        <h3>${t('queue')}</h3>
        <div class="targets">${targets.queues.map((q) => html`
          <button onClick=${() => onTransfer({ queue: q.id })}>${q.id}</button>`)}</div>
        <h3>${t('agent')}</h3>
        <div class="targets">${targets.agents.length === 0 ? html`<p class="meta">${t('noRoom')}</p>` : targets.agents.map((a) => html`
          <button onClick=${() => onTransfer({ agent: a.id })}>${a.name} (${a.room})</button>`)}</div>`}
      <div class="dialog-actions"><button onClick=${onClose}>${t('cancel')}</button></div>
    </dialog>`;
}

export function ConversationView(props) {
  const { detail, readOnly, t, lang, presence, me, actions, canned, catalog, composerRef, onBack } = props;
  const [transferring, setTransferring] = useState(false);
  const [now, setNow] = useState(Date.now());
  const transcript = useRef(null);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const count = detail?.messages?.length || 0;
  useEffect(() => {
    const el = transcript.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [detail?.id, count]);
  if (!detail) return html`<main class="conversation empty-state"><p>${t('noConversation')}</p></main>`;
  // Viewers heard from within the last minute (they repeat every 25 s); typing shows for 6 s after a keystroke.
  // The customer ('' : a web chat visitor) is shown only while typing, by their name.
  const others = Object.entries(presence || {})
    .filter(([agent, p]) => agent !== me && now - p.viewing < 60000 && (agent !== '' || now - (p.typing || 0) < 6000))
    .map(([agent, p]) => [agent === '' ? (detail.contact?.name || detail.contact?.handles?.[0] || '') : agent,
                          now - (p.typing || 0) < 6000 ? 'typing' : 'viewing']);
  const resolved = detail.state === 'resolved';
  return html`
    <main class="conversation">
      <header class="conversation-head">
        <button class="back" onClick=${onBack}>${t('back')}</button>
        <div class="who">
          <h1 dir="auto">${detail.contact?.name || (detail.contact?.handles || [])[0] || detail.id}</h1>
          <span class="meta">${t('channel')}: ${detail.channel} · ${detail.queue}${detail.language ? ` · ${t('detected')}: ${detail.language}` : ''} · ${resolved ? t('resolved') : t('open')}</span>
          <${SlaChip} sla=${resolved ? null : detail.sla} now=${now} t=${t} lang=${lang} />
          ${detail.csat != null && html`<span class="csat" aria-label=${t('satisfaction')}>${`${t('satisfaction')}: ${'★'.repeat(detail.csat)}${'☆'.repeat(Math.max(0, 5 - detail.csat))} ${formatNumber(detail.csat, lang)}/5`}</span>`}
        </div>
        ${!readOnly && !resolved && html`
          <div class="actions">
            <button onClick=${() => setTransferring(true)}>${t('transfer')}</button>
            <button class="primary" onClick=${() => actions.resolve(detail.id)}>${t('resolve')}</button>
          </div>`}
      </header>
      <${Labels} labels=${detail.labels} catalog=${catalog || []} t=${t} readOnly=${readOnly || resolved}
                 onAdd=${(l) => actions.label(detail.id, l, true)} onRemove=${(l) => actions.label(detail.id, l, false)} />
      ${others.length > 0 && html`
        <p class="presence" aria-live="polite">${others.map(([agent, what]) => t(what, { who: agent })).join(' · ')}</p>`}
      <div class="conversation-body">
        <section class="transcript" aria-label=${t('transcript')} ref=${transcript}>
          ${(detail.messages || []).map((m) => html`<${Message} key=${m.id} m=${m} t=${t} lang=${lang} channel=${detail.channel} customer=${detail.contact?.name} />`)}
        </section>
        <${ContactPanel} contact=${detail.contact} t=${t} lang=${lang} currentId=${detail.id} onOpenHistory=${actions.openHistory} />
      </div>
      ${readOnly ? html`<p class="read-only">${t('readOnly')}</p>` : !resolved && html`
        <${Composer} key=${detail.id} conversation=${detail} t=${t} actions=${actions} canned=${canned} me=${props.meName}
                     composerRef=${composerRef} />`}
      ${transferring && html`<${TransferDialog} conversation=${detail} t=${t} loadTargets=${actions.transferTargets}
        onClose=${() => setTransferring(false)}
        onTransfer=${(to) => { setTransferring(false); actions.transfer(detail.id, to); }} />`}
    </main>`;
}
