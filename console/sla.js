// The response-time promise of one conversation: time left to its first- or
// next-response deadline; amber once the warning fired, red once breached.

import { html } from './html.js';
import { formatSpan } from './i18n.js';

export function SlaChip({ sla, now, t, lang, compact }) {
  if (!sla || !sla.due_at) return null;
  const left = Date.parse(sla.due_at) - now;
  const stage = left < 0 || sla.stage === 'breached' ? 'breached' : sla.stage === 'at_risk' ? 'at_risk' : 'pending';
  const target = sla.target === 'next_response' ? t('nextResponse') : t('firstResponse');
  const when = left >= 0 ? t('dueIn', { t: formatSpan(left, lang) }) : t('overdue', { t: formatSpan(-left, lang) });
  return html`<span class=${`sla sla-${stage}`} data-stage=${stage} title=${`${target}: ${when}`}>
    ${compact ? when : `${target}: ${when}`}
  </span>`;
}
