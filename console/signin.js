// Signing in (shared by the console and the board): the token is posted once,
// exchanged for an HttpOnly session cookie, and never kept in the page.

import { html, useState } from './html.js';
import { api, ApiError } from './api.js';
import { LANGUAGES } from './i18n.js';

export function SignIn({ t, onSignedIn, lang, setLang }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      await api('POST', '/v1/session', { token: token.trim() });
      setToken('');
      await onSignedIn();
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? t('wrongToken') : t('error', { m: err.message }));
    } finally {
      setBusy(false);
    }
  };
  return html`
    <main class="sign-in">
      <form onSubmit=${submit}>
        <h1>omniroute</h1>
        <p class="meta">${t('signInHelp')}</p>
        <label for="token">${t('token')}</label>
        <input id="token" type="password" autocomplete="off" value=${token} onInput=${(e) => setToken(e.target.value)} />
        ${error && html`<p class="error" role="alert">${error}</p>`}
        <button class="primary" type="submit" disabled=${busy || !token.trim()}>${t('signIn')}</button>
        <${LanguagePicker} lang=${lang} setLang=${setLang} />
      </form>
    </main>`;
}

export function LanguagePicker({ lang, setLang }) {
  // Named "Language" in every interface language, so it can always be found.
  return html`
    <label class="language">
      <select aria-label="Language" value=${lang} onChange=${(e) => setLang(e.target.value)}>
        ${LANGUAGES.map((l) => html`<option value=${l.code} lang=${l.code}>${l.name}</option>`)}
      </select>
    </label>`;
}

