// The console's top bar: who is signed in, presence, connection, search, notifications,
// shortcuts, language and sign-out.

import { html } from './html.js';
import { LanguagePicker } from './signin.js';
import { Search } from './search.js';

export function TopBar({ t, lang, setLang, name, status, onStatus, connected, alerts, onAlerts, onHelp, onSignOut, onOpen }) {
  return html`
    <header class="top">
      <span class="brand">omniroute</span>
      <span class="me" dir="auto">${name}</span>
      <label class="status">${t('status')}
        <select value=${status} onChange=${(e) => onStatus(e.target.value)}>
          <option value="available">${t('available')}</option>
          <option value="away">${t('away')}</option>
          <option value="offline">${t('offline')}</option>
        </select>
      </label>
      ${!connected && html`<span class="connection" role="status">${t('reconnecting')}</span>`}
      <span class="spacer"></span>
      <${Search} t=${t} lang=${lang} onOpen=${onOpen} />
      <button class="toggle" aria-pressed=${alerts ? 'true' : 'false'} onClick=${onAlerts}>${t('notifications')}</button>
      <button class="link" onClick=${onHelp} aria-label=${t('shortcuts')}>?</button>
      <${LanguagePicker} lang=${lang} setLang=${setLang} />
      <button onClick=${onSignOut}>${t('signOut')}</button>
    </header>`;
}
