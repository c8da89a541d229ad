// The reply box: Enter sends, Shift+Enter starts a new line; the Note toggle
// makes it a private note (never sent to the customer); "/" searches canned
// responses by shortcut and inserts the variant in the conversation's
// language with {contact.name} and {agent.name} filled in.

import { html, useEffect, useMemo, useRef, useState } from './html.js';

/// The canned response's text for `language`, its placeholders filled.
export function cannedText(response, language, fill) {
  const variants = response.variants || {};
  const text = variants[language] ?? variants.en ?? Object.values(variants)[0] ?? '';
  return text.replace(/\{(contact\.name|agent\.name)\}/g, (_, key) => fill[key] ?? '');
}

export function Composer({ conversation, t, actions, canned, me, composerRef }) {
  const [text, setText] = useState('');
  const [note, setNote] = useState(false);
  const [busy, setBusy] = useState(false);
  const [pick, setPick] = useState(0);
  const box = useRef(null);
  const lastTyping = useRef(0);
  useEffect(() => {
    if (composerRef) composerRef.current = { focus: (asNote) => { setNote(!!asNote); box.current?.focus(); } };
  });

  const query = text.startsWith('/') && !text.includes('\n') ? text.slice(1).toLowerCase() : null;
  const matches = useMemo(() => (query === null ? [] : (canned || [])
    .filter((c) => c.shortcut.toLowerCase().includes(query)).slice(0, 8)), [query, canned]);

  const insert = (response) => {
    const fill = { 'contact.name': conversation.contact?.name || '', 'agent.name': me || '' };
    setText(cannedText(response, conversation.language || 'en', fill));
    setPick(0);
    box.current?.focus();
  };

  const send = async () => {
    const body = text.trim();
    if (!body || busy) return;
    setBusy(true);
    const ok = await actions.send(conversation.id, body, note);
    setBusy(false);
    if (ok) setText('');
    box.current?.focus();
  };

  const onKeyDown = (e) => {
    if (query !== null && matches.length > 0) {
      if (e.key === 'ArrowDown') { e.preventDefault(); setPick((pick + 1) % matches.length); return; }
      if (e.key === 'ArrowUp') { e.preventDefault(); setPick((pick + matches.length - 1) % matches.length); return; }
      if (e.key === 'Enter' || e.key === 'Tab') { e.preventDefault(); insert(matches[Math.min(pick, matches.length - 1)]); return; }
    }
    if (e.key === 'Escape') { e.target.blur(); return; }
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      send();
    }
  };

  const onInput = (e) => {
    setText(e.target.value);
    setPick(0);
    const now = Date.now();
    if (!note && now - lastTyping.current > 3000) {  // others see that someone is typing; at most every 3 s
      lastTyping.current = now;
      actions.signal('typing', conversation.id);
    }
  };

  return html`
    <form class=${`composer${note ? ' as-note' : ''}`} onSubmit=${(e) => { e.preventDefault(); send(); }}>
      ${query !== null && html`
        <ul class="canned" role="listbox" aria-label=${t('canned')}>
          ${matches.length === 0 ? html`<li class="meta">${t('noCanned')}</li>` : matches.map((c, i) => html`
            <li role="option" aria-selected=${i === pick} class=${i === pick ? 'picked' : ''}
                onMouseDown=${(e) => { e.preventDefault(); insert(c); }}>
              <strong>/${c.shortcut}</strong> <span dir="auto">${cannedText(c, conversation.language || 'en', {})}</span>
            </li>`)}
        </ul>`}
      <textarea ref=${box} aria-label=${t('reply')} rows="3" dir="auto" value=${text}
                placeholder=${note ? t('notePlaceholder') : t('replyPlaceholder')}
                onInput=${onInput} onKeyDown=${onKeyDown}></textarea>
      <div class="composer-actions">
        <button type="button" class="toggle" aria-pressed=${note ? 'true' : 'false'} onClick=${() => setNote(!note)}>
          ${t('note')}
        </button>
        <button type="submit" class="primary" disabled=${busy}>${t('send')}</button>
      </div>
    </form>`;
}
