// The admin's Channels card on the board: every channel with Check (and Register where the provider allows
// it), each step's result in the provider's words; channels added here can be changed, disabled and removed.
// The add/change form is drawn from the kind's declared keys (GET /v1/channel_kinds, the same declaration the
// configuration reference is generated from), so a new kind gets its form for free. Secrets are write-only:
// a kept one shows "set", and left empty it stays as it is.
import { html, useEffect, useState } from './html.js';
import { api } from './api.js';

/// The value at a dotted key ("imap.url") of nested settings.
const at = (settings, name) => name.split('.').reduce((o, k) => (o == null ? undefined : o[k]), settings);

/// The form's flat values ("imap.url": "…") as the API's nested body; empty optional fields left out.
function body(kind, values) {
  const out = { kind: kind.name };
  for (const f of kind.fields) {
    const raw = values[f.name] ?? '';
    if (raw === '' || raw === undefined) continue;
    const value = f.type === 'list' ? raw.split('\n').map((s) => s.trim()).filter(Boolean) : raw;
    const path = f.name.split('.');
    let o = out;
    for (const k of path.slice(0, -1)) o = (o[k] ??= {});
    o[path[path.length - 1]] = value;
  }
  return out;
}

function Field({ f, value, error, editing, onInput, t }) {
  const id = `channel-field-${f.name}`;
  const label = html`<span>${f.name}${f.required ? ' *' : ''}</span>`;
  const common = { id, 'aria-invalid': error ? 'true' : undefined, 'aria-describedby': error ? `${id}-error` : undefined };
  let input;
  if (f.type === 'choice') {
    input = html`<select ...${common} value=${value} onChange=${(e) => onInput(e.target.value)}>
      <option value="">${f.default ? `${t('defaultValue')}: ${f.default}` : '—'}</option>
      ${f.choices.map((c) => html`<option value=${c}>${c}</option>`)}
    </select>`;
  } else if (f.type === 'list') {
    input = html`<textarea ...${common} rows="2" value=${value} onInput=${(e) => onInput(e.target.value)}
                           placeholder=${t('onePerLine')}></textarea>`;
  } else {
    const secret = f.type === 'secret';
    input = html`<input ...${common} type=${secret ? 'password' : 'text'} autocomplete="off" value=${value}
                        onInput=${(e) => onInput(e.target.value)}
                        placeholder=${secret && editing ? t('secretKept') : f.default || ''} />`;
  }
  return html`<label class="channel-field" for=${id}>${label}${input}
    ${error && html`<span class="error" id=${`${id}-error`}>${error}</span>`}</label>`;
}

/// The kept settings of `settings` that `kind` does not declare (a channel's auto_ack and csat), to send back
/// unchanged with a change made in the form.
function carried(kind, settings) {
  const declared = new Set((kind?.fields || []).map((f) => f.name.split('.')[0]));
  return Object.fromEntries(Object.entries(settings || {}).filter(([key]) => !declared.has(key)));
}

function ChannelForm({ kinds, queues, editing, t, onDone, onCancel }) {
  const [id, setId] = useState(editing?.id || '');
  const [kindName, setKindName] = useState(editing?.kind || kinds[0]?.name || '');
  const [queue, setQueue] = useState(editing?.queue || queues[0]?.id || '');
  const [values, setValues] = useState(() => {
    const v = {};
    const kind = kinds.find((k) => k.name === editing?.kind);
    for (const f of kind?.fields || []) {
      const kept = at(editing.settings, f.name);
      if (kept !== undefined && f.type !== 'secret') v[f.name] = Array.isArray(kept) ? kept.join('\n') : String(kept);
    }
    return v;
  });
  const [errors, setErrors] = useState({});
  const [error, setError] = useState('');
  const kind = kinds.find((k) => k.name === kindName);
  const submit = async (e) => {
    e.preventDefault();
    setErrors({});
    setError('');
    try {
      // What the form does not draw (auto_ack, csat: set through the API) is sent back as it was kept.
      const kept = editing?.kind === kind?.name ? carried(kind, editing.settings) : {};
      const sent = { ...kept, ...body(kind, values), queue };
      await api(editing ? 'PUT' : 'POST', `/v1/channels/${encodeURIComponent(id.trim())}`, sent);
      onDone();
    } catch (err) {
      const byField = {};
      for (const p of err.body?.fields || []) byField[p.field || ''] = p.message;
      setErrors(byField);
      setError(byField[''] || (Object.keys(byField).length ? t('fixFields') : t('error', { m: err.message })));
    }
  };
  return html`
    <form class="channel-form" onSubmit=${submit} aria-label=${editing ? t('changeChannel') : t('addChannel')}>
      <div class="inline-form">
        <label>${t('channelId')}<input value=${id} disabled=${!!editing} required pattern="[A-Za-z0-9_\\-]+"
                                       onInput=${(e) => setId(e.target.value)} /></label>
        <label>${t('channelKind')}<select value=${kindName} disabled=${!!editing}
                                         onChange=${(e) => { setKindName(e.target.value); setValues({}); }}>
          ${kinds.map((k) => html`<option value=${k.name}>${k.name}</option>`)}</select></label>
        <label>${t('queue')}<select value=${queue} onChange=${(e) => setQueue(e.target.value)}>
          ${queues.map((q) => html`<option value=${q.id}>${q.id}</option>`)}</select></label>
      </div>
      ${errors.queue && html`<p class="error">${errors.queue}</p>`}
      <div class="channel-fields">
        ${kind?.fields.map((f) => html`<${Field} key=${`${kindName}-${f.name}`} f=${f} value=${values[f.name] || ''}
            error=${errors[f.name]} editing=${!!editing} t=${t}
            onInput=${(v) => setValues({ ...values, [f.name]: v })} />`)}
      </div>
      ${error && html`<p class="error" role="alert">${error}</p>`}
      <div class="inline-form">
        <button class="primary" type="submit">${editing ? t('save') : t('addChannel')}</button>
        <button type="button" onClick=${onCancel}>${t('cancel')}</button>
      </div>
    </form>`;
}

function Steps({ result, t }) {
  if (!result) return null;
  if (result.error) return html`<p class="error" role="alert">${result.error}</p>`;
  return html`
    <div class="check-result" role="status" aria-label=${t('checkResult')}>
      <p><strong>${result.ok ? t('checkPassed') : t('checkFailed')}</strong></p>
      <ul>${result.steps.map((s) => html`
        <li class=${s.ok ? 'step-ok' : 'step-failed'}>
          <span aria-hidden="true">${s.ok ? '✓' : '✗'}</span>
          <strong>${s.name}</strong>: <span dir="auto">${s.detail}</span>
        </li>`)}</ul>
    </div>`;
}

export function ChannelAdmin({ channels, queues, t, onChanged }) {
  const [kinds, setKinds] = useState(null);
  const [form, setForm] = useState(null);  // null, { add: true } or { editing: channel }
  const [results, setResults] = useState({});
  const [busy, setBusy] = useState('');
  const [error, setError] = useState('');
  useEffect(() => { api('GET', '/v1/channel_kinds').then(setKinds, (e) => setError(e.message)); }, []);
  const ask = async (id, what) => {
    setBusy(`${id}/${what}`);
    try {
      const r = await api('POST', `/v1/channels/${encodeURIComponent(id)}/${what}`);
      setResults({ ...results, [id]: r });
    } catch (err) {
      setResults({ ...results, [id]: { error: t('error', { m: err.message }) } });
    }
    setBusy('');
  };
  const change = async (fn) => {
    try { setError(''); await fn(); onChanged(); } catch (err) { setError(t('error', { m: err.message })); }
  };
  const edit = (c) => change(async () => setForm({ editing: await api('GET', `/v1/channels/${encodeURIComponent(c.id)}`) }));
  const toggle = (c) => change(async () => {
    const kept = await api('GET', `/v1/channels/${encodeURIComponent(c.id)}`);
    await api('PUT', `/v1/channels/${encodeURIComponent(c.id)}`, { kind: kept.kind, queue: kept.queue, enabled: !kept.enabled,
      ...Object.fromEntries(Object.entries(kept.settings).filter(([, v]) => v !== 'set')) });
  });
  const remove = (c) => { if (window.confirm(t('confirmRemoveChannel', { id: c.id }))) change(() => api('DELETE', `/v1/channels/${encodeURIComponent(c.id)}`)); };
  return html`
    <section class="card wide admin" aria-label=${t('manageChannels')}>
      <h2>${t('manageChannels')}</h2>
      ${error && html`<p class="error" role="alert">${error}</p>`}
      ${kinds && !kinds.secrets_key && html`<p class="meta">${t('noSecretsKey')}</p>`}
      ${kinds && (form ? html`<${ChannelForm} kinds=${kinds.kinds} queues=${queues} editing=${form.editing} t=${t}
                                               onDone=${() => { setForm(null); onChanged(); }} onCancel=${() => setForm(null)} />`
                       : html`<button class="primary" onClick=${() => setForm({ add: true })}>${t('addChannel')}</button>`)}
      <ul class="admin-list">${channels.map((c) => html`
        <li key=${c.id}>
          <strong>${c.id}</strong> <span class="meta">${c.kind} · ${c.source === 'api' ? t('addedHere') : t('fromFile')}${c.enabled ? '' : ` · ${t('disabled')}`}</span>
          <span class="actions">
            ${c.enabled && html`<button onClick=${() => ask(c.id, 'check')} disabled=${busy !== ''}
                aria-label=${`${t('check')} ${c.id}`}>${busy === `${c.id}/check` ? t('checking') : t('check')}</button>`}
            ${c.enabled && c.registers && html`<button onClick=${() => ask(c.id, 'register')} disabled=${busy !== ''}
                aria-label=${`${t('register')} ${c.id}`}>${t('register')}</button>`}
            ${c.source === 'api' && html`
              <button onClick=${() => edit(c)} aria-label=${`${t('edit')} ${c.id}`}>${t('edit')}</button>
              <button onClick=${() => toggle(c)}>${c.enabled ? t('disable') : t('enable')}</button>
              <button class="danger" onClick=${() => remove(c)} aria-label=${`${t('remove')} ${c.id}`}>${t('remove')}</button>`}
          </span>
          <${Steps} result=${results[c.id]} t=${t} />
        </li>`)}
      </ul>
    </section>`;
}
