// Admin on the board, through the existing admin API: add an agent (their
// token shown once), change skills and capacity, give a new token (shown
// once), remove; and the workspace's canned responses.

import { html, useState } from './html.js';
import { api } from './api.js';

function TokenOnce({ token, who, t, onClose }) {
  if (!token) return null;
  return html`
    <div class="token-once" role="alert">
      <p>${t('tokenOnce', { who })}</p>
      <code aria-label=${t('newToken')}>${token}</code>
      <button onClick=${onClose}>${t('close')}</button>
    </div>`;
}

const list = (text) => text.split(',').map((s) => s.trim()).filter(Boolean);

export function AgentAdmin({ agents, t, onChanged }) {
  const [form, setForm] = useState({ id: '', name: '', skills: '', chat: 3, sms: 0, email: 0 });
  const [shown, setShown] = useState(null);
  const [editing, setEditing] = useState(null);
  const [error, setError] = useState('');
  const set = (k) => (e) => setForm({ ...form, [k]: e.target.value });
  const capacity = (f) => ({ chat: Number(f.chat) || 0, sms: Number(f.sms) || 0, email: Number(f.email) || 0 });
  const run = async (fn) => {
    try { setError(''); await fn(); onChanged(); } catch (err) { setError(t('error', { m: err.message })); }
  };
  const add = (e) => {
    e.preventDefault();
    run(async () => {
      const r = await api('POST', '/v1/agents', { id: form.id.trim(), name: form.name.trim() || form.id.trim(),
                                                  skills: list(form.skills), capacity: capacity(form) });
      setShown({ token: r.token, who: r.id });
      setForm({ id: '', name: '', skills: '', chat: 3, sms: 0, email: 0 });
    });
  };
  return html`
    <section class="card wide admin" aria-label=${t('manageAgents')}>
      <h2>${t('manageAgents')}</h2>
      <${TokenOnce} token=${shown?.token} who=${shown?.who} t=${t} onClose=${() => setShown(null)} />
      ${error && html`<p class="error" role="alert">${error}</p>`}
      <form class="inline-form" onSubmit=${add} aria-label=${t('addAgent')}>
        <label>${t('agentId')}<input value=${form.id} onInput=${set('id')} required pattern="[A-Za-z0-9_\\-]+" /></label>
        <label>${t('name')}<input value=${form.name} onInput=${set('name')} /></label>
        <label>${t('skills')}<input value=${form.skills} onInput=${set('skills')} placeholder="hi, te, billing" /></label>
        <label>chat<input type="number" min="0" max="1000" value=${form.chat} onInput=${set('chat')} /></label>
        <label>sms<input type="number" min="0" max="1000" value=${form.sms} onInput=${set('sms')} /></label>
        <label>email<input type="number" min="0" max="1000" value=${form.email} onInput=${set('email')} /></label>
        <button class="primary" type="submit">${t('addAgent')}</button>
      </form>
      <ul class="admin-list">${agents.filter((a) => a.source === 'api').map((a) => html`
        <li key=${a.id}>
          <strong dir="auto">${a.name || a.id}</strong> <span class="meta">${a.id} · ${(a.skills || []).join(', ') || '—'}</span>
          ${editing?.id === a.id ? html`
            <form class="inline-form" onSubmit=${(e) => { e.preventDefault(); run(async () => {
              await api('PUT', `/v1/agents/${encodeURIComponent(a.id)}`, { skills: list(editing.skills), capacity: capacity(editing) });
              setEditing(null);
            }); }}>
              <label>${t('skills')}<input value=${editing.skills} onInput=${(e) => setEditing({ ...editing, skills: e.target.value })} /></label>
              ${['chat', 'sms', 'email'].map((m) => html`<label>${m}<input type="number" min="0" max="1000" value=${editing[m]}
                onInput=${(e) => setEditing({ ...editing, [m]: e.target.value })} /></label>`)}
              <button class="primary" type="submit">${t('save')}</button>
              <button type="button" onClick=${() => setEditing(null)}>${t('cancel')}</button>
            </form>` : html`
            <button onClick=${() => setEditing({ id: a.id, skills: (a.skills || []).join(', '), ...a.capacity })}>${t('edit')}</button>
            <button onClick=${() => run(async () => { const r = await api('POST', `/v1/agents/${encodeURIComponent(a.id)}/token`); setShown({ token: r.token, who: a.id }); })}>
              ${t('rotateToken')}</button>
            <button onClick=${() => { if (confirm(t('confirmRemove', { who: a.id }))) run(() => api('DELETE', `/v1/agents/${encodeURIComponent(a.id)}`)); }}>
              ${t('remove')}</button>`}
        </li>`)}
      </ul>
      <p class="meta">${t('configAgents')}</p>
    </section>`;
}

export function CannedAdmin({ canned, t, onChanged }) {
  const empty = { shortcut: '', en: '', hi: '', te: '' };
  const [form, setForm] = useState(empty);
  const [error, setError] = useState('');
  const set = (k) => (e) => setForm({ ...form, [k]: e.target.value });
  const save = async (e) => {
    e.preventDefault();
    const variants = Object.fromEntries(['en', 'hi', 'te'].filter((l) => form[l].trim()).map((l) => [l, form[l].trim()]));
    try {
      await api('PUT', `/v1/canned_responses/${encodeURIComponent(form.shortcut.trim())}`, { shortcut: form.shortcut.trim(), variants });
      setForm(empty);
      setError('');
      onChanged();
    } catch (err) { setError(t('error', { m: err.message })); }
  };
  return html`
    <section class="card wide admin" aria-label=${t('canned')}>
      <h2>${t('canned')}</h2>
      ${error && html`<p class="error" role="alert">${error}</p>`}
      <form class="inline-form" onSubmit=${save}>
        <label>${t('shortcut')}<input value=${form.shortcut} onInput=${set('shortcut')} required pattern="[A-Za-z0-9_\\-]+" /></label>
        <label>English<textarea rows="2" value=${form.en} onInput=${set('en')}></textarea></label>
        <label lang="hi">हिन्दी<textarea rows="2" dir="auto" value=${form.hi} onInput=${set('hi')}></textarea></label>
        <label lang="te">తెలుగు<textarea rows="2" dir="auto" value=${form.te} onInput=${set('te')}></textarea></label>
        <button class="primary" type="submit">${t('save')}</button>
      </form>
      <ul class="admin-list">${canned.map((c) => html`
        <li key=${c.id}>
          <strong>/${c.shortcut}</strong> <span class="meta">${Object.keys(c.variants).join(' · ')}</span>
          <span dir="auto" class="preview">${Object.values(c.variants)[0]}</span>
          <button onClick=${() => setForm({ shortcut: c.shortcut, en: c.variants.en || '', hi: c.variants.hi || '', te: c.variants.te || '' })}>${t('edit')}</button>
          <button onClick=${async () => { await api('DELETE', `/v1/canned_responses/${encodeURIComponent(c.id)}`).catch(() => {}); onChanged(); }}>${t('remove')}</button>
        </li>`)}
      </ul>
    </section>`;
}

const COLOURS = ['grey', 'red', 'orange', 'yellow', 'green', 'teal', 'blue', 'purple', 'pink'];

/// The label catalogue: what agents are offered when they label a conversation.
export function LabelAdmin({ labels, t, onChanged }) {
  const empty = { name: '', description: '', color: 'grey' };
  const [form, setForm] = useState(empty);
  const [error, setError] = useState('');
  const set = (k) => (e) => setForm({ ...form, [k]: e.target.value });
  const save = async (e) => {
    e.preventDefault();
    try {
      await api('PUT', `/v1/labels/${encodeURIComponent(form.name.trim())}`, { description: form.description.trim(), color: form.color });
      setForm(empty);
      setError('');
      onChanged();
    } catch (err) { setError(t('error', { m: err.message })); }
  };
  return html`
    <section class="card wide admin" aria-label=${t('manageLabels')}>
      <h2>${t('manageLabels')}</h2>
      ${error && html`<p class="error" role="alert">${error}</p>`}
      <form class="inline-form" onSubmit=${save}>
        <label>${t('labelName')}<input value=${form.name} onInput=${set('name')} required maxlength="40" pattern="[A-Za-z0-9_\\-]+" /></label>
        <label>${t('description')}<input value=${form.description} onInput=${set('description')} maxlength="200" dir="auto" /></label>
        <label>${t('colour')}<select value=${form.color} onChange=${set('color')}>
          ${COLOURS.map((c) => html`<option value=${c}>${c}</option>`)}</select></label>
        <button class="primary" type="submit">${t('save')}</button>
      </form>
      <ul class="admin-list">${labels.map((l) => html`
        <li key=${l.name}>
          <span class=${`label-chip label-${l.color}`}>${l.name}</span>
          <span dir="auto" class="preview">${l.description}</span>
          <button onClick=${() => setForm({ name: l.name, description: l.description, color: l.color })}>${t('edit')}</button>
          <button onClick=${async () => { await api('DELETE', `/v1/labels/${encodeURIComponent(l.name)}`).catch(() => {}); onChanged(); }}>${t('remove')}</button>
        </li>`)}
      </ul>
      <p class="meta">${t('labelsStay')}</p>
    </section>`;
}
