// Reports on the board: response times and SLA compliance over a period
// (GET /v1/reports/response_times), grouped by queue, channel, agent, label
// or day, in the supervisor's time zone; a table, a chart drawn as SVG here
// (no chart library), and the same rows as CSV to download. Times are shown on
// both clocks, labelled: as the customer waited (wall) and on the SLA's own
// clock (business hours where the queue has a calendar).

import { html, useEffect, useState } from './html.js';
import { api } from './api.js';
import { LANGUAGES, formatNumber, formatSpan } from './i18n.js';

const MEASURES = ['first_response', 'next_response', 'resolution'];
const GROUPS = ['queue', 'channel', 'agent', 'label', 'day'];
const measureWord = { first_response: 'firstResponse', next_response: 'nextResponse', resolution: 'resolution' };

function isoDay(date) {
  const d = new Date(date.getTime() - date.getTimezoneOffset() * 60000);
  return d.toISOString().slice(0, 10);
}

const localeOf = (code) => (LANGUAGES.find((l) => l.code === code) || LANGUAGES[0]).locale;

function percent(share, lang) {
  if (share === null || share === undefined) return '—';
  return new Intl.NumberFormat(localeOf(lang), { style: 'percent', maximumFractionDigits: 1 }).format(share);
}

/// A duration to the second under an hour ("9 min 30 sec"), else hours and minutes.
function seconds(s, lang) {
  if (s === null || s === undefined) return '—';
  if (s < 60 || s >= 3600 || s % 60 === 0) return formatSpan(s * 1000, lang);
  const unit = new Intl.NumberFormat(localeOf(lang), { style: 'unit', unit: 'second', unitDisplay: 'short' });
  return `${formatSpan((s - (s % 60)) * 1000, lang)} ${unit.format(s % 60)}`;
}

/// Horizontal bars: p50 (solid) and p90 (pale, behind) per group, compliance at the end of each row.
function Chart({ rows, measure, t, lang }) {
  const shown = rows.filter((r) => r[measure].count > 0).slice(0, 40);
  if (shown.length === 0) return html`<p class="meta">${t('noData')}</p>`;
  const most = Math.max(...shown.map((r) => r[measure].p90 || 0), 1);
  const rowHeight = 22, labelWidth = 130, barWidth = 420, width = labelWidth + barWidth + 70;
  const height = shown.length * rowHeight + 24;
  const x = (v) => labelWidth + (v / most) * barWidth;
  return html`
    <svg class="chart" role="img" viewBox=${`0 0 ${width} ${height}`} width=${width} height=${height}
         aria-label=${t('chartLabel', { m: t(measureWord[measure]) })}>
      ${shown.map((r, i) => {
        const f = r[measure], y = i * rowHeight + 4;
        return html`<g key=${r.group}>
          <text x=${labelWidth - 6} y=${y + 14} text-anchor="end" class="chart-label">${r.group || '—'}</text>
          <rect x=${labelWidth} y=${y + 2} width=${x(f.p90) - labelWidth} height=${rowHeight - 6} class="bar-p90"><title>p90 ${seconds(f.p90, lang)}</title></rect>
          <rect x=${labelWidth} y=${y + 2} width=${x(f.p50) - labelWidth} height=${rowHeight - 6} class="bar-p50"><title>p50 ${seconds(f.p50, lang)}</title></rect>
          <text x=${x(f.p90) + 6} y=${y + 14} class="chart-value">${percent(f.compliance, lang)}</text>
        </g>`;
      })}
      <text x=${labelWidth} y=${height - 4} class="chart-axis">0</text>
      <text x=${labelWidth + barWidth} y=${height - 4} text-anchor="end" class="chart-axis">${seconds(most, lang)}</text>
    </svg>`;
}

export function Reports({ t, lang }) {
  const today = new Date();
  const [form, setForm] = useState({
    from: isoDay(new Date(today.getTime() - 6 * 86400000)), to: isoDay(today), group_by: 'queue',
    tz: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC', measure: 'first_response',
  });
  const [report, setReport] = useState(null);
  const [error, setError] = useState('');
  // Every value percent-encoded (the server decodes them with Boost.URL); never interpolated raw.
  const query = new URLSearchParams({ from: form.from, to: form.to, group_by: form.group_by, tz: form.tz }).toString();
  useEffect(() => {
    let live = true;
    setError('');
    api('GET', `/v1/reports/response_times?${query}`).then((r) => live && setReport(r), (e) => live && setError(e.message));
    return () => { live = false; };
  }, [query]);
  const set = (k) => (e) => setForm({ ...form, [k]: e.target.value });
  const rows = report ? report.rows : [];
  return html`
    <section class="card wide" aria-label=${t('reports')}>
      <h2>${t('reports')}</h2>
      <form class="inline-form" onSubmit=${(e) => e.preventDefault()}>
        <label>${t('from')}<input type="date" value=${form.from} onChange=${set('from')} /></label>
        <label>${t('to')}<input type="date" value=${form.to} onChange=${set('to')} /></label>
        <label>${t('groupBy')}
          <select value=${form.group_by} onChange=${set('group_by')}>
            ${GROUPS.map((g) => html`<option value=${g}>${t(`by_${g}`)}</option>`)}
          </select></label>
        <label>${t('timeZone')}<input value=${form.tz} onChange=${set('tz')} size="16" /></label>
        <label>${t('measure')}
          <select value=${form.measure} onChange=${set('measure')}>
            ${MEASURES.map((m) => html`<option value=${m}>${t(measureWord[m])}</option>`)}
          </select></label>
        <a class="button" href=${`/v1/reports/response_times?${query}&format=csv`} download="response_times.csv">${t('downloadCsv')}</a>
      </form>
      ${error && html`<p class="error" role="alert">${error}</p>`}
      ${report && html`
        <${Chart} rows=${rows} measure=${form.measure} t=${t} lang=${lang} />
        <table aria-label=${t('reportTable')}>
          <caption>${t(measureWord[form.measure])}</caption>
          <thead>
            <tr><th scope="col" rowspan="2">${t(`by_${form.group_by}`)}</th>
              <th scope="col" rowspan="2" class="num">${t('count')}</th>
              <th scope="colgroup" colspan="2" class="num">${t('wallClock')}</th>
              <th scope="colgroup" colspan="2" class="num">${t('businessClock')}</th>
              <th scope="col" rowspan="2" class="num">${t('compliance')}</th>
              <th scope="colgroup" colspan="2" class="num">${t('satisfaction')}</th></tr>
            <tr><th scope="col" class="num">p50</th><th scope="col" class="num">p90</th>
              <th scope="col" class="num">p50</th><th scope="col" class="num">p90</th>
              <th scope="col" class="num">${t('count')}</th><th scope="col" class="num">${t('average')}</th></tr>
          </thead>
          <tbody>${rows.length === 0 ? html`<tr><td colspan="9">${t('noData')}</td></tr>` : rows.map((r) => {
            const f = r[form.measure];
            return html`
            <tr key=${r.group}>
              <th scope="row" dir="auto">${r.group || '—'}</th>
              <td class="num">${formatNumber(f.count, lang)}</td>
              <td class="num">${seconds(f.wall?.p50 ?? f.p50, lang)}</td>
              <td class="num">${seconds(f.wall?.p90 ?? f.p90, lang)}</td>
              <td class="num">${seconds(f.business?.p50, lang)}</td>
              <td class="num">${seconds(f.business?.p90, lang)}</td>
              <td class="num" title=${f.with_target ? t('metOf', { met: formatNumber(f.met, lang), n: formatNumber(f.with_target, lang) }) : ''}>${percent(f.compliance, lang)}</td>
              <td class="num">${formatNumber(r.csat?.count || 0, lang)}</td>
              <td class="num">${r.csat?.average == null ? '—' : new Intl.NumberFormat(localeOf(lang), { maximumFractionDigits: 2 }).format(r.csat.average)}</td>
            </tr>`;
          })}
          </tbody>
        </table>`}
    </section>`;
}
