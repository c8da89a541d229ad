// Search across everything the history holds (GET /v1/search): a field and a button named "Search" in
// the top bar (Ctrl+K or ⌘K focuses the field; "/" stays the canned responses' key), the answers in a
// list named "Search results" under it. Choosing a conversation opens it; choosing a contact opens
// their latest conversation. Console and board share it.

import { html, useEffect, useRef, useState } from './html.js';
import { api } from './api.js';
import { formatTime } from './i18n.js';

/// User-perceived characters (कि is one): the API refuses fewer than two.
export function characters(text) {
  if (typeof Intl.Segmenter !== 'function') return [...text].length;
  return [...new Intl.Segmenter().segment(text)].length;
}

/// The snippet as text with the matched words marked (`highlights`: the snippet's own words that matched,
/// in whatever script they are written — the server transliterates, the page only finds them).
function Marked({ text, highlights }) {
  const words = (highlights || []).filter((w) => w && text.includes(w));
  if (words.length === 0) return text;
  const parts = [];
  let rest = text;
  while (rest) {
    let at = -1;
    let word = '';
    for (const w of words) {
      const i = rest.indexOf(w);
      if (i >= 0 && (at < 0 || i < at || (i === at && w.length > word.length))) { at = i; word = w; }
    }
    if (at < 0) { parts.push(rest); break; }
    if (at > 0) parts.push(rest.slice(0, at));
    parts.push(html`<mark>${word}</mark>`);
    rest = rest.slice(at + word.length);
  }
  return parts;
}

function ResultItem({ r, t, lang, onChoose }) {
  if (r.type === 'contact') {
    const c = r.contact;
    return html`
      <button type="button" class="item-button" onClick=${() => onChoose(r)}>
        <span class="item-top"><span class="name" dir="auto">${c.name || (c.handles || [])[0] || c.id}</span>
          <span class="kind">${t('contact')}</span></span>
        <span class="item-bottom meta" dir="auto">${(c.handles || []).join(' · ')}</span>
        <span class="preview" dir="auto"><${Marked} text=${r.snippet} highlights=${r.highlights} /></span>
      </button>`;
  }
  const c = r.conversation;
  const name = c.contact?.name || (c.contact?.handles || [])[0] || c.id;
  return html`
    <button type="button" class="item-button" onClick=${() => onChoose(r)}>
      <span class="item-top"><span class="name" dir="auto">${name}</span>
        <span class="time">${formatTime(c.last_message?.at || c.created_at, lang)}</span></span>
      <span class="item-bottom meta">${c.channel} · ${c.queue} · ${c.state === 'resolved' ? t('resolved') : t('open')}</span>
      <span class="preview" dir="auto"><${Marked} text=${r.snippet} highlights=${r.highlights} /></span>
    </button>`;
}

/// `onOpen(conversationId)`; `type`: 'contact' or 'conversation' to search one kind only.
export function Search({ t, lang, onOpen, type }) {
  const [q, setQ] = useState('');
  const [found, setFound] = useState(null);  // null: no list shown; else { results, next, query }
  const [error, setError] = useState('');
  const field = useRef(null);
  const box = useRef(null);
  const asked = useRef(0);
  const timer = useRef(null);

  useEffect(() => {
    const onKey = (e) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        field.current?.focus();
        field.current?.select();
      }
    };
    const onClick = (e) => { if (box.current && !box.current.contains(e.target)) setFound(null); };
    document.addEventListener('keydown', onKey);
    document.addEventListener('mousedown', onClick);
    return () => { document.removeEventListener('keydown', onKey); document.removeEventListener('mousedown', onClick); };
  }, []);

  const run = async (query, cursor) => {
    clearTimeout(timer.current);
    if (characters(query.trim()) < 2) { setFound(null); setError(''); return; }
    const ticket = ++asked.current;
    const params = new URLSearchParams({ q: query.trim(), limit: '20' });
    if (type) params.set('type', type);
    if (cursor) params.set('cursor', cursor);
    try {
      const r = await api('GET', `/v1/search?${params}`);
      if (ticket !== asked.current) return;  // a newer search answered or is on its way
      setError('');
      setFound((prev) => ({ query, next: r.next_cursor,
                            results: cursor && prev ? [...prev.results, ...r.results] : r.results }));
    } catch (err) {
      if (ticket !== asked.current) return;
      setFound({ query, next: null, results: [] });
      setError(err.status === 503 ? t('searchUnavailable') : t('error', { m: err.message }));
    }
  };
  const typed = (value) => {
    setQ(value);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => run(value), 300);
  };
  const choose = (r) => {
    const id = r.type === 'contact' ? (r.contact.conversations || []).at(-1) : r.id;
    setFound(null);
    if (id) onOpen(id, r);
  };

  return html`
    <form role="search" class="search" ref=${box} onSubmit=${(e) => { e.preventDefault(); run(q); }}>
      <input type="search" aria-label=${t('search')} placeholder=${t('searchPlaceholder')} value=${q} ref=${field}
             title="Ctrl+K" onInput=${(e) => typed(e.target.value)}
             onKeyDown=${(e) => { if (e.key === 'Escape') { setFound(null); e.currentTarget.blur(); } }} />
      <button type="submit">${t('search')}</button>
      ${found && html`
        <div class="search-results">
          ${error && html`<p class="error" role="alert">${error}</p>`}
          <ul role="list" aria-label=${t('searchResults')} class="conversation-list">
            ${found.results.length === 0 && !error && html`<li class="empty">${t('noResults')}</li>`}
            ${found.results.map((r) => html`<li key=${`${r.type}:${r.id}`} class="item">
              <${ResultItem} r=${r} t=${t} lang=${lang} onChoose=${choose} /></li>`)}
          </ul>
          ${found.next && html`<button class="link more" type="button" onClick=${() => run(found.query, found.next)}>
            ${t('moreResults')}</button>`}
        </div>`}
    </form>`;
}
