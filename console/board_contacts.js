// The admin's contact directory on the board: every contact, newest first (GET /v1/contacts, from the
// history), or those a name, phone number or handle finds (GET /v1/search?type=contact, in any script);
// one opened shows their handles, attributes and conversations (each opens in the conversation panel),
// and can take another contact in (merge), be exported as JSON, or be erased.

import { html, useEffect, useRef, useState } from './html.js';
import { api } from './api.js';
import { characters } from './search.js';

function ContactCard({ c, t, admin, onOpenConversation, onChanged, onClose }) {
  const [from, setFrom] = useState('');
  const [error, setError] = useState('');
  const who = c.name || (c.handles || [])[0] || c.id;
  const run = async (fn) => {
    try { setError(''); await fn(); } catch (err) { setError(t('error', { m: err.message })); }
  };
  const merge = (e) => {
    e.preventDefault();
    run(async () => { onChanged(await api('POST', `/v1/contacts/${encodeURIComponent(c.id)}/merge`, { from: from.trim() })); setFrom(''); });
  };
  const erase = () => {
    if (!window.confirm(t('confirmErase', { who }))) return;
    run(async () => { await api('DELETE', `/v1/contacts/${encodeURIComponent(c.id)}`); onChanged(null); });
  };
  return html`
    <div class="contact-card" aria-label=${t('contact')}>
      <header><h3 dir="auto">${who}</h3> <span class="meta">${c.id}</span>
        <button class="link" onClick=${onClose}>${t('close')}</button></header>
      ${error && html`<p class="error" role="alert">${error}</p>`}
      <dl>
        <dt>${t('handles')}</dt><dd dir="auto">${(c.handles || []).join(' · ') || '—'}</dd>
        <dt>${t('attributes')}</dt>
        <dd>${Object.entries(c.attributes || {}).map(([k, v]) => `${k}: ${v}`).join(' · ') || '—'}</dd>
        <dt>${t('history')}</dt>
        <dd>${(c.conversations || []).length === 0 ? '—' : [...c.conversations].reverse().map((id) => html`
          <button class="link" onClick=${() => onOpenConversation(id)}>${id}</button>`)}</dd>
      </dl>
      ${admin && html`
        <form class="inline" onSubmit=${merge}>
          <label>${t('mergeFrom')} <input value=${from} onInput=${(e) => setFrom(e.target.value)} required /></label>
          <button type="submit">${t('merge')}</button>
        </form>
        <div class="actions">
          <a class="button" href=${`/v1/contacts/${encodeURIComponent(c.id)}/export`} download=${`${c.id}.json`}>${t('export')}</a>
          <button class="danger" onClick=${erase}>${t('erase')}</button>
        </div>`}
    </div>`;
}

/// `admin`: the signed-in account may change contacts (merge, export, erase); a supervisor only reads them.
export function ContactDirectory({ t, admin, onOpenConversation }) {
  const [contacts, setContacts] = useState([]);
  const [next, setNext] = useState(null);
  const [q, setQ] = useState('');
  const [opened, setOpened] = useState(null);
  const [error, setError] = useState('');
  const timer = useRef(null);
  const asked = useRef(0);

  const load = async (query, cursor) => {
    const ticket = ++asked.current;
    try {
      let page;
      if (characters(query.trim()) >= 2) {
        const r = await api('GET', `/v1/search?${new URLSearchParams({ q: query.trim(), type: 'contact', limit: '50' })}`);
        page = { contacts: r.results.map((x) => x.contact), next_cursor: null };
      } else {
        page = await api('GET', `/v1/contacts?limit=20${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      }
      if (ticket !== asked.current) return;
      setError('');
      setContacts((prev) => (cursor ? [...prev, ...page.contacts] : page.contacts));
      setNext(page.next_cursor);
    } catch (err) {
      if (ticket !== asked.current) return;
      // Without a history section there is no directory: said quietly, not as an error.
      setError(err.code === 'history_unavailable' ? 'history' : t('error', { m: err.message }));
    }
  };
  useEffect(() => { load(''); }, []);
  const typed = (value) => {
    setQ(value);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => load(value), 300);
  };
  const changed = (c) => { setOpened(c); load(q); };

  return html`
    <section class="card wide admin contacts" aria-label=${t('contactDirectory')}>
      <h2>${t('contactDirectory')}</h2>
      <label>${t('findContact')} <input type="text" value=${q} onInput=${(e) => typed(e.target.value)} /></label>
      ${error === 'history' ? html`<p class="meta">${t('directoryNeedsHistory')}</p>`
                            : error && html`<p class="error" role="alert">${error}</p>`}
      <div class="contact-split">
        <ul class="contact-list" aria-label=${t('contactDirectory')}>
          ${contacts.length === 0 && !error && html`<li class="empty">${t('noResults')}</li>`}
          ${contacts.map((c) => html`<li key=${c.id}>
            <button class="link" aria-current=${opened?.id === c.id ? 'true' : undefined}
                    onClick=${async () => { try { setOpened(await api('GET', `/v1/contacts/${encodeURIComponent(c.id)}`)); } catch (err) { setError(t('error', { m: err.message })); } }}>
              <span dir="auto">${c.name || (c.handles || [])[0] || c.id}</span></button>
            <span class="meta" dir="auto">${(c.handles || []).join(' · ')} · ${(c.conversations || []).length}</span>
          </li>`)}
          ${next && !q && html`<li><button class="link" onClick=${() => load('', next)}>${t('moreResults')}</button></li>`}
        </ul>
        ${opened && html`<${ContactCard} c=${opened} t=${t} admin=${admin} onOpenConversation=${onOpenConversation}
                                         onChanged=${changed} onClose=${() => setOpened(null)} />`}
      </div>
    </section>`;
}
