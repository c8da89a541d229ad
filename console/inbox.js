// The inbox: offers (with their countdown, Accept and Reject) above the list
// named "Conversations" — mine, or read-only the ones waiting in my queues.

import { html, useEffect, useState } from './html.js';
import { formatTime } from './i18n.js';
import { SlaChip } from './sla.js';

function useNow(intervalMs) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

function contactName(c) {
  return c.contact?.name || (c.contact?.handles || [])[0] || c.contact?.id || c.id;
}

export function Offers({ offers, t, onAnswer }) {
  const now = useNow(1000);
  const list = Object.values(offers);
  if (list.length === 0) return null;
  return html`
    <section class="offers" aria-label=${t('offers')}>
      <h2>${t('offers')}</h2>
      ${list.map(({ conversation: c, expires_at }) => {
        const left = expires_at ? Math.max(0, Math.ceil((Date.parse(expires_at) - now) / 1000)) : null;
        return html`
          <div class="offer" key=${c.id}>
            <div class="offer-who">
              <strong dir="auto">${contactName(c)}</strong>
              <span class="meta">${c.channel} · ${c.queue}</span>
              ${left !== null && html`<span class="countdown" aria-live="off">${t('offerExpires', { s: left })}</span>`}
            </div>
            <div class="offer-actions">
              <button class="primary" onClick=${() => onAnswer(c.id, true)}>${t('accept')}</button>
              <button onClick=${() => onAnswer(c.id, false)}>${t('reject')}</button>
            </div>
          </div>`;
      })}
    </section>`;
}

export function Inbox({ tab, setTab, mine, waiting, unread, openId, onOpen, t, lang, labels, labelFilter, setLabelFilter }) {
  const now = useNow(1000);
  const items = tab === 'waiting' ? waiting : mine;
  return html`
    <nav class="inbox">
      <div class="tabs" role="tablist">
        <button role="tab" aria-selected=${tab === 'mine'} onClick=${() => setTab('mine')}>
          ${t('mine')} <span class="count">${mine.length}</span>
        </button>
        <button role="tab" aria-selected=${tab === 'waiting'} onClick=${() => setTab('waiting')}>
          ${t('waiting')} <span class="count">${waiting.length}</span>
        </button>
      </div>
      ${tab === 'mine' && labels.length > 0 && html`
        <label class="filter">${t('labelFilter')}
          <select value=${labelFilter} onChange=${(e) => setLabelFilter(e.target.value)}>
            <option value="">${t('allLabels')}</option>
            ${labels.map((l) => html`<option value=${l}>${l}</option>`)}
          </select>
        </label>`}
      <ul role="list" aria-label=${t('conversations')} class="conversation-list">
        ${items.length === 0 && html`<li class="empty">${tab === 'waiting' ? t('emptyWaiting') : t('empty')}</li>`}
        ${items.map((c) => {
          const last = c.last_message;
          const isUnread = !!unread[c.id];
          return html`
            <li key=${c.id} class=${`item${openId === c.id ? ' open' : ''}${isUnread ? ' unread' : ''}`}>
              <button class="item-button" aria-current=${openId === c.id ? 'true' : undefined}
                      aria-label=${isUnread ? `${contactName(c)} (${t('unread')})` : contactName(c)}
                      onClick=${() => onOpen(c.id)}>
                <span class="item-top">
                  ${isUnread && html`<span class="dot" role="img" aria-label=${t('unread')}></span>`}
                  <span class="name" dir="auto">${contactName(c)}</span>
                  <span class="time">${formatTime(last?.at || c.created_at, lang)}</span>
                </span>
                <span class="item-bottom">
                  <span class="channel">${c.channel}</span>
                  ${c.awaiting_reply && tab === 'mine' && html`<span class="awaiting">${t('needsAnswer')}</span>`}
                  ${(c.labels || []).map((l) => html`<span class="label-chip">${l}</span>`)}
                  <${SlaChip} sla=${c.sla} now=${now} t=${t} lang=${lang} compact=${true} />
                </span>
                ${last && html`<span class="preview" dir="auto">${last.text}</span>`}
              </button>
            </li>`;
        })}
      </ul>
    </nav>`;
}
