// Keyboard shortcuts (J/K next and previous, R reply, N note, E resolve, ? help),
// never while the agent types in a field, and the dialog that lists them.

import { html, useEffect, useRef } from './html.js';
import { inboxOrder } from './state.js';

export function Shortcuts({ t, onClose }) {
  const dialog = useRef(null);
  useEffect(() => dialog.current?.showModal?.(), []);
  const rows = [['J', t('shortcutNext')], ['K', t('shortcutPrev')], ['R', t('shortcutReply')], ['N', t('shortcutNote')],
                ['E', t('shortcutResolve')], ['?', t('shortcutHelp')]];
  return html`
    <dialog ref=${dialog} class="shortcuts" aria-label=${t('shortcuts')} onClose=${onClose}>
      <h2>${t('shortcuts')}</h2>
      <dl>${rows.map(([k, what]) => html`<dt><kbd>${k}</kbd></dt><dd>${what}</dd>`)}</dl>
      <div class="dialog-actions"><button onClick=${onClose}>${t('close')}</button></div>
    </dialog>`;
}

/// `keys`: a ref to { state, open(id), composer (ref), resolve(id), help() }, read when a key is pressed.
export function useShortcuts(keys) {
  useEffect(() => {
    const onKey = (e) => {
      const el = e.target;
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName))) return;
      if (document.querySelector('dialog[open]') && e.key !== '?') return;
      const { state, open, composer, resolve, help } = keys.current;
      const list = inboxOrder(state.mine, state.labelFilter);
      const at = list.findIndex((c) => c.id === state.openId);
      const key = e.key.toLowerCase();
      if (key === 'j' && list.length) { e.preventDefault(); open(list[Math.min(at + 1, list.length - 1)].id); }
      else if (key === 'k' && list.length) { e.preventDefault(); open(list[Math.max(at - 1, 0)].id); }
      else if (key === 'r') { e.preventDefault(); composer.current?.focus(false); }
      else if (key === 'n') { e.preventDefault(); composer.current?.focus(true); }
      else if (key === 'e' && state.openId && state.mine[state.openId]) { e.preventDefault(); resolve(state.openId); }
      else if (e.key === '?') { e.preventDefault(); help(); }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
}
