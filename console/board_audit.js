// The admin's Audit card on the board: who changed what, newest first (GET /v1/audit), filtered by who and
// by action, with the same rows as CSV. Shown to admins only (a supervisor's GET is refused).
import { html, useEffect, useState } from './html.js';
import { api } from './api.js';
import { formatTime } from './i18n.js';

/// What changed, in a line: the fields of `after` that differ from `before` (secrets read "set").
function change(before, after) {
  if (after == null) return '—';
  if (typeof after !== 'object') return String(after);
  const keys = Object.keys(after).filter((k) => JSON.stringify(after[k]) !== JSON.stringify(before?.[k]));
  return keys.map((k) => `${k}: ${typeof after[k] === 'object' ? JSON.stringify(after[k]) : after[k]}`).join(' · ') || '—';
}

export function AuditCard({ t, lang, version }) {
  const [filter, setFilter] = useState({ actor: '', action: '' });
  const [entries, setEntries] = useState([]);
  const [error, setError] = useState('');
  const query = new URLSearchParams(Object.entries({ ...filter, limit: '50' }).filter(([, v]) => v)).toString();
  useEffect(() => {
    let live = true;
    api('GET', `/v1/audit?${query}`).then((r) => { if (live) { setEntries(r.entries); setError(''); } },
                                          (e) => live && setError(e.message));
    return () => { live = false; };
  }, [query, version]);
  const set = (k) => (e) => setFilter({ ...filter, [k]: e.target.value.trim() });
  return html`
    <section class="card wide" aria-label=${t('audit')}>
      <h2>${t('audit')}</h2>
      <form class="inline-form" onSubmit=${(e) => e.preventDefault()}>
        <label>${t('auditActor')}<input value=${filter.actor} onChange=${set('actor')} size="12" /></label>
        <label>${t('auditAction')}<input value=${filter.action} onChange=${set('action')} size="20" placeholder="agent.created" /></label>
        <a class="button" href=${`/v1/audit?${query}&format=csv`} download="audit.csv">${t('downloadCsv')}</a>
      </form>
      ${error && html`<p class="error" role="alert">${error}</p>`}
      <div class="scroll">
        <table aria-label=${t('audit')}>
          <thead><tr><th>${t('auditWhen')}</th><th>${t('auditActor')}</th><th>${t('auditAction')}</th>
            <th>${t('auditTarget')}</th><th>${t('auditChange')}</th></tr></thead>
          <tbody>${entries.map((e) => html`
            <tr key=${`${e.at}-${e.action}-${e.target.id}`}>
              <td>${formatTime(e.at, lang)}</td><td>${e.actor}</td><td><code>${e.action}</code></td>
              <td dir="auto">${e.target.type} ${e.target.id}</td><td dir="auto">${change(e.before, e.after)}</td>
            </tr>`)}
          </tbody>
        </table>
      </div>
      ${entries.length === 0 && !error && html`<p class="meta">${t('noData')}</p>`}
    </section>`;
}
