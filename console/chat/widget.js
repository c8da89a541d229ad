// omniroute web chat: the script a business adds to its pages
//   <script src="https://support.example.com/chat/<channel>/widget.js" async
//           data-lang="hi" data-identifier="…" data-identifier-hash="…"></script>
// and, with data-page, the whole of the full-page chat (GET /chat/<channel>).
//
// Everything it draws lives in one shadow root (styles by a constructed sheet, so a
// strict host CSP that allows our origin is enough; the host page's CSS cannot reach
// in, ours cannot leak out), it defines no globals, it talks only to the origin it was
// loaded from, and it never renders text as HTML. The visitor's random id and their
// unsent messages are kept in the page origin's localStorage (never a cookie).
(() => {
  'use strict';
  const script = document.currentScript;
  if (!script || !script.src) return;
  const src = new URL(script.src);
  const match = src.pathname.match(/^\/chat\/([A-Za-z0-9_-]{1,64})\/widget\.js$/);
  if (!match) return;
  const channel = match[1];
  const pageMode = script.dataset.page === '1';
  const query = new URLSearchParams(pageMode ? location.search : '');
  const storeKey = `omniroute-chat:${src.host}:${channel}`;

  const TEXT = {
    en: {
      launcher: 'Chat with us', title: 'Chat with us', close: 'Close', chat: 'Chat', name: 'Name',
      contact: 'E-mail or phone (optional)', message: 'Message', send: 'Send', language: 'Language',
      intro: 'Write to us here. We answer in English, हिन्दी and తెలుగు.',
      connecting: 'Connecting…', reconnecting: 'Connection lost. Reconnecting…', unavailable: 'The chat is unavailable in this browser.',
      sending: 'Sending…', notSent: 'Not sent yet, will retry', you: 'You', agent: 'Support', seen: 'Seen',
      typing: '{who} is typing…', someone: 'Support', earlier: 'Earlier conversation', ended: 'This conversation has ended.',
      rate: 'Rate this conversation', thanks: 'Thank you for rating: {n}/5', needName: 'Please tell us your name.',
      rateLimited: 'You are sending quickly; wait a moment.', tooLong: 'That message is too long.', unread: '{n} new',
      newMessage: 'New message',
      attach: 'Attach a file', tooBig: 'That file is larger than {n} MB.', fileKind: 'Only images and PDF files can be sent.',
    },
    hi: {
      launcher: 'हमसे चैट करें', title: 'हमसे चैट करें', close: 'बंद करें', chat: 'चैट', name: 'नाम',
      contact: 'ईमेल या फ़ोन (वैकल्पिक)', message: 'संदेश', send: 'भेजें', language: 'भाषा',
      intro: 'यहाँ लिखिए। हम हिन्दी, English और తెలుగు में जवाब देते हैं।',
      connecting: 'जुड़ रहे हैं…', reconnecting: 'कनेक्शन टूट गया। फिर से जुड़ रहे हैं…', unavailable: 'इस ब्राउज़र में चैट उपलब्ध नहीं है।',
      sending: 'भेजा जा रहा है…', notSent: 'अभी नहीं भेजा गया, फिर कोशिश होगी', you: 'आप', agent: 'सहायता', seen: 'देखा गया',
      typing: '{who} लिख रहे हैं…', someone: 'सहायता', earlier: 'पिछली बातचीत', ended: 'यह बातचीत समाप्त हो गई है।',
      rate: 'इस बातचीत को रेट करें', thanks: 'रेटिंग के लिए धन्यवाद: {n}/5', needName: 'कृपया अपना नाम बताइए।',
      rateLimited: 'आप बहुत जल्दी भेज रहे हैं; थोड़ा रुकिए।', tooLong: 'संदेश बहुत लंबा है।', unread: '{n} नए',
      newMessage: 'नया संदेश',
      attach: 'फ़ाइल जोड़ें', tooBig: 'यह फ़ाइल {n} MB से बड़ी है।', fileKind: 'केवल चित्र और PDF फ़ाइलें भेजी जा सकती हैं।',
    },
    te: {
      launcher: 'మాతో చాట్ చేయండి', title: 'మాతో చాట్ చేయండి', close: 'మూసివేయి', chat: 'చాట్', name: 'పేరు',
      contact: 'ఇమెయిల్ లేదా ఫోన్ (ఐచ్ఛికం)', message: 'సందేశం', send: 'పంపు', language: 'భాష',
      intro: 'ఇక్కడ రాయండి. మేము తెలుగు, हिन्दी, English లో జవాబిస్తాము.',
      connecting: 'కనెక్ట్ అవుతోంది…', reconnecting: 'కనెక్షన్ పోయింది. మళ్లీ కనెక్ట్ అవుతోంది…', unavailable: 'ఈ బ్రౌజర్‌లో చాట్ అందుబాటులో లేదు.',
      sending: 'పంపుతోంది…', notSent: 'ఇంకా పంపలేదు, మళ్లీ ప్రయత్నిస్తాం', you: 'మీరు', agent: 'సహాయం', seen: 'చూశారు',
      typing: '{who} రాస్తున్నారు…', someone: 'సహాయం', earlier: 'మునుపటి సంభాషణ', ended: 'ఈ సంభాషణ ముగిసింది.',
      rate: 'ఈ సంభాషణకు రేటింగ్ ఇవ్వండి', thanks: 'రేటింగ్‌కు ధన్యవాదాలు: {n}/5', needName: 'దయచేసి మీ పేరు చెప్పండి.',
      rateLimited: 'మీరు వేగంగా పంపుతున్నారు; కొద్దిసేపు ఆగండి.', tooLong: 'సందేశం చాలా పొడవుగా ఉంది.', unread: '{n} కొత్తవి',
      newMessage: 'కొత్త సందేశం',
      attach: 'ఫైల్ జత చేయండి', tooBig: 'ఆ ఫైల్ {n} MB కంటే పెద్దది.', fileKind: 'చిత్రాలు, PDF ఫైళ్లు మాత్రమే పంపగలరు.',
    },
  };
  const LANGUAGES = [['en', 'English'], ['hi', 'हिन्दी'], ['te', 'తెలుగు']];

  // --- what is kept on this device -------------------------------------------------------------
  function load() {
    try { return JSON.parse(localStorage.getItem(storeKey)) || {}; } catch { return {}; }
  }
  const saved = load();
  function save() {
    try {
      // Files' bytes stay in memory (sent again after a drop while the page is open), never in storage.
      const pending = state.pending.filter((p) => !p.bytes);
      localStorage.setItem(storeKey, JSON.stringify({ visitor: state.visitor, name: state.name, lang: state.chosenLang, pending }));
    } catch { /* private mode: the chat still works for this page's life */ }
  }
  function randomId(bytes) {
    const a = new Uint8Array(bytes);
    crypto.getRandomValues(a);
    return Array.from(a, (b) => b.toString(16).padStart(2, '0')).join('');
  }
  function chooseLanguage() {
    const given = (pageMode ? query.get('lang') : script.dataset.lang) || '';
    if (TEXT[given]) return given;
    if (TEXT[saved.lang]) return saved.lang;
    for (const l of navigator.languages || [navigator.language || '']) {
      const base = String(l).toLowerCase().split('-')[0];
      if (TEXT[base]) return base;
    }
    return 'en';
  }

  const state = {
    visitor: /^[A-Za-z0-9_-]{22,64}$/.test(saved.visitor || '') ? saved.visitor : randomId(16),
    name: saved.name || '',
    chosenLang: saved.lang || '',
    lang: chooseLanguage(),
    pending: Array.isArray(saved.pending) ? saved.pending.filter((p) => p && p.id && p.text).slice(-50) : [],
    conversations: [],   // [{id, state, rating, rate, messages: [{id, direction, text, at, author, auto}]}] oldest first
    open: pageMode,
    connected: false,
    failed: false,
    unread: 0,
    typing: null,        // {who, until}
    seen: '',            // the conversation the agent has seen
    notice: '',
    maxAttachment: 5 * 1024 * 1024,
  };
  save();
  const identifier = (pageMode ? query.get('identifier') : script.dataset.identifier) || '';
  const identifierHash = (pageMode ? query.get('identifier_hash') : script.dataset.identifierHash) || '';
  const t = (key, vars = {}) => (TEXT[state.lang][key] || TEXT.en[key]).replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? ''));

  // --- the shadow root and its styles ----------------------------------------------------------
  const host = document.createElement('div');
  host.setAttribute('data-omniroute-chat', channel);
  /// Where the widget sits: set through the CSSOM (a strict host CSP allows it, unlike a style attribute) and
  /// important, so the page's own rules cannot move, hide or restyle it.
  function place() {
    const full = pageMode || (state.open && innerWidth <= 640);
    const set = (k, v) => host.style.setProperty(k, v, 'important');
    set('all', 'initial');
    set('position', 'fixed');
    set('z-index', '2147483000');
    set('display', 'block');
    for (const side of ['top', 'left', 'right', 'bottom']) set(side, full ? '0' : 'auto');
    if (!full) { set('right', '16px'); set('bottom', '16px'); }
  }
  const root = host.attachShadow({ mode: 'open' });
  const css = `
:host { all: initial; }
.root { all: initial; display: block; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans Devanagari",
  "Noto Sans Telugu", sans-serif; color: #1b1f24; text-align: start; }
* { box-sizing: border-box; font: inherit; letter-spacing: normal; }
button, select, input, textarea { color: inherit; }
.launcher { min-height: 48px; padding: 0 20px; border: 0; border-radius: 24px; background: #0b5cad; color: #fff;
  font-weight: 600; cursor: pointer; box-shadow: 0 4px 16px rgba(0,0,0,.25); }
.launcher:focus-visible, button:focus-visible, select:focus-visible, input:focus-visible, textarea:focus-visible {
  outline: 3px solid #f0a500; outline-offset: 2px; }
.badge { margin-left: 8px; padding: 0 7px; border-radius: 10px; background: #d4351c; font-size: 13px; }
.panel { display: flex; flex-direction: column; width: 370px; height: min(600px, calc(100vh - 32px));
  background: #fff; border-radius: 14px; overflow: hidden; box-shadow: 0 8px 32px rgba(0,0,0,.3); }
:host([data-page]) .panel { width: 100vw; height: 100dvh; border-radius: 0; box-shadow: none; }
.head { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; padding: 10px 12px; background: #0b5cad; color: #fff; }
.head h2 { flex: 1; margin: 0; font-size: 17px; font-weight: 600; }
.head select { min-height: 44px; border-radius: 8px; border: 1px solid #9cc2ea; background: #fff; color: #1b1f24; padding: 0 6px; }
.head .close { min-width: 44px; min-height: 44px; border: 0; border-radius: 8px; background: transparent; color: #fff; font-size: 22px; cursor: pointer; }
.status { padding: 6px 12px; background: #fff4d6; color: #594300; font-size: 13px; }
.log { flex: 1; overflow-y: auto; padding: 12px; background: #f4f6f8; }
.intro { margin: 0 0 10px; color: #4a5560; font-size: 14px; }
.divider { margin: 14px 0 8px; text-align: center; color: #5f6b76; font-size: 12px; }
.msg { display: flex; flex-direction: column; max-width: 85%; margin: 6px 0; }
.msg.in { margin-left: auto; align-items: flex-end; }
.bubble { padding: 8px 12px; border-radius: 14px; white-space: pre-wrap; overflow-wrap: anywhere; }
.msg.in .bubble { background: #0b5cad; color: #fff; border-bottom-right-radius: 4px; }
.msg.out .bubble { background: #fff; border: 1px solid #dde3e8; border-bottom-left-radius: 4px; }
.msg.pending .bubble { opacity: .7; }
.meta { margin-top: 2px; color: #5f6b76; font-size: 12px; }
.typing, .seen { color: #5f6b76; font-size: 13px; margin: 4px 0; }
.ended { margin: 12px 0 4px; color: #4a5560; font-size: 13px; text-align: center; }
.rating { display: flex; gap: 6px; justify-content: center; margin: 8px 0; border: 0; padding: 0; }
.rating legend { width: 100%; text-align: center; margin-bottom: 6px; font-size: 14px; }
.rating button { min-width: 44px; min-height: 44px; border: 1px solid #b8c4cf; border-radius: 10px; background: #fff;
  font-size: 20px; color: #b07c00; cursor: pointer; }
.rating button:hover { background: #fff4d6; }
.thanks { text-align: center; color: #1f6b3a; font-size: 14px; margin: 8px 0; }
form { display: flex; flex-direction: column; gap: 6px; padding: 10px 12px; border-top: 1px solid #dde3e8; background: #fff; }
form label { font-size: 13px; color: #3c4650; }
form input, form textarea { width: 100%; min-height: 44px; padding: 8px 10px; border: 1px solid #9aa7b3; border-radius: 8px; background: #fff; }
form textarea { resize: none; height: 64px; }
.row { display: flex; gap: 8px; align-items: flex-end; }
.row .grow { flex: 1; display: flex; flex-direction: column; gap: 4px; }
.attach { min-height: 44px; min-width: 44px; border: 1px solid #9aa7b3; border-radius: 8px; background: #fff; cursor: pointer; font-size: 18px; }
.file { font-weight: 600; }
.send { min-height: 44px; min-width: 72px; border: 0; border-radius: 8px; background: #0b5cad; color: #fff; font-weight: 600; cursor: pointer; }
.notice { color: #a3260f; font-size: 13px; margin: 0; }
@media (max-width: 640px) {
  :host([data-open]) .panel { width: 100vw; height: 100dvh; border-radius: 0; }
}`;
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [sheet];
  } catch {
    const style = document.createElement('style');  // older browsers (a strict host CSP may refuse it)
    style.textContent = css;
    root.append(style);
  }

  // --- drawing: plain DOM, text only ------------------------------------------------------------
  function el(tag, attrs = {}, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (v === false || v == null) continue;
      if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else if (k === 'text') e.textContent = v;
      else e.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children) if (c) e.append(c);
    return e;
  }
  const ids = { name: `n-${randomId(4)}`, contact: `c-${randomId(4)}`, message: `m-${randomId(4)}`, lang: `l-${randomId(4)}` };
  const timeFormat = () => new Intl.DateTimeFormat(`${state.lang}-IN`, { hour: 'numeric', minute: '2-digit' });
  let drafts = { name: state.name, contact: '', message: '' };

  function messageView(m, pending) {
    const mine = m.direction === 'in';
    let meta = mine ? t('you') : (m.author || t('agent'));
    if (pending) meta += ` · ${m.failed ? t('notSent') : t('sending')}`;
    else if (m.at) meta += ` · ${timeFormat().format(new Date(m.at))}`;
    const files = (m.attachments || []).map((f) => el('div', { class: 'file', dir: 'auto',
      text: `📎 ${f.name}${f.size > 0 ? ` · ${Math.max(1, Math.round(f.size / 1024))} kB` : ''}` }));
    return el('div', { class: `msg ${mine ? 'in' : 'out'}${pending ? ' pending' : ''}`, 'data-id': m.id },
      el('div', { class: 'bubble', dir: 'auto' }, ...files, m.text ? el('span', { text: m.text }) : null),
      el('div', { class: 'meta', text: meta }));
  }

  function ratingView(c) {
    if (c.rating != null) return el('p', { class: 'thanks', text: t('thanks', { n: c.rating }) });
    if (!c.rate) return null;
    const group = el('div', { class: 'rating', role: 'group', 'aria-label': t('rate') });
    group.append(el('p', { class: 'ended', text: t('rate') }));
    const buttons = el('div', { class: 'rating' });
    for (let n = 1; n <= 5; n++) {
      buttons.append(el('button', { type: 'button', 'aria-label': String(n), title: `${n}/5`, text: '★',
        onclick: () => rate(c.id, n) }));
    }
    group.append(buttons);
    return group;
  }

  // The launcher or the panel. The panel's frame (header, form) is built when it opens, its language changes or
  // the name is no longer asked; everything else redraws only the log and the status, so typing is never disturbed.
  let frame = null;   // {key, log, status, notice}
  function draw() {
    if (state.open) host.setAttribute('data-open', ''); else host.removeAttribute('data-open');
    if (pageMode) host.setAttribute('data-page', '');
    place();
    if (!state.open) {
      frame = null;
      root.replaceChildren(el('div', { class: 'root' }, el('button', { class: 'launcher', type: 'button', 'aria-expanded': 'false', lang: state.lang,
        onclick: () => { state.open = true; state.unread = 0; draw(); root.getElementById(ids.message)?.focus(); } },
        t('launcher'), state.unread ? el('span', { class: 'badge', text: t('unread', { n: state.unread }) }) : null)));
      return;
    }
    const key = `${state.lang}|${state.name ? 1 : 0}`;
    if (!frame || frame.key !== key) buildFrame(key);
    drawLog();
  }

  function buildFrame(key) {
    const focused = root.activeElement?.id;
    const select = el('select', { id: ids.lang, 'aria-label': 'Language', title: t('language'),
      onchange: (e) => { state.lang = e.target.value; state.chosenLang = state.lang; save(); draw(); } });
    for (const [code, label] of LANGUAGES) select.append(el('option', { value: code, selected: code === state.lang, lang: code, text: label }));
    const head = el('div', { class: 'head' }, el('h2', { text: t('title') }), select,
      pageMode ? null : el('button', { class: 'close', type: 'button', 'aria-label': t('close'), text: '×',
        onclick: () => { state.open = false; draw(); } }));
    const status = el('div', { class: 'status', role: 'status' });
    const log = el('section', { class: 'log', role: 'region', 'aria-label': t('chat') });
    const notice = el('p', { class: 'notice', role: 'alert' });
    const form = el('form', { novalidate: true, onsubmit: (e) => { e.preventDefault(); submit(); } });
    if (!state.name) {
      form.append(el('label', { for: ids.name, text: t('name') }),
        el('input', { id: ids.name, name: 'name', autocomplete: 'name', maxlength: '80', dir: 'auto',
          oninput: (e) => { drafts.name = e.target.value; } }),
        el('label', { for: ids.contact, text: t('contact') }),
        el('input', { id: ids.contact, name: 'contact', autocomplete: 'email', maxlength: '120',
          oninput: (e) => { drafts.contact = e.target.value; } }));
      form.querySelector(`#${ids.name}`).value = drafts.name;
      form.querySelector(`#${ids.contact}`).value = drafts.contact;
    }
    const textarea = el('textarea', { id: ids.message, name: 'message', rows: '2', maxlength: '4000', dir: 'auto',
      oninput: (e) => { drafts.message = e.target.value; typingSignal(); },
      onkeydown: (e) => { if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); submit(); } } });
    textarea.value = drafts.message;
    const picker = el('input', { type: 'file', hidden: true, accept: 'image/png,image/jpeg,image/gif,image/webp,application/pdf',
      onchange: (e) => { const f = e.target.files[0]; e.target.value = ''; if (f) sendFile(f); } });
    form.append(el('div', { class: 'row' },
      el('div', { class: 'grow' }, el('label', { for: ids.message, text: t('message') }), textarea),
      el('button', { class: 'attach', type: 'button', 'aria-label': t('attach'), title: t('attach'), text: '📎',
        onclick: () => picker.click() }),
      el('button', { class: 'send', type: 'submit', text: t('send') })), picker, notice);
    const panel = el('div', { class: 'panel', lang: state.lang, role: pageMode ? 'main' : 'dialog', 'aria-label': t('title') },
      head, status, log, form);
    root.replaceChildren(el('div', { class: 'root' }, panel));
    frame = { key, log, status, notice };
    if (focused) (root.getElementById(focused) || textarea).focus({ preventScroll: true });
  }

  function drawLog() {
    const { log, status, notice } = frame;
    const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
    const children = [el('p', { class: 'intro', text: t('intro') })];
    const last = state.conversations.length - 1;
    state.conversations.forEach((c, i) => {
      const first = c.messages[0];
      const day = first?.at ? new Intl.DateTimeFormat(`${state.lang}-IN`, { dateStyle: 'medium' }).format(new Date(first.at)) : '';
      if (i < last) children.push(el('div', { class: 'divider', text: day ? `${t('earlier')} · ${day}` : t('earlier') }));
      else if (last > 0) children.push(el('div', { class: 'divider', text: day }));
      for (const m of c.messages) children.push(messageView(m, false));
      if (c.state === 'resolved') {
        children.push(el('p', { class: 'ended', text: t('ended') }));
        const r = ratingView(c);
        if (r) children.push(r);
      }
    });
    for (const p of state.pending) children.push(messageView({ ...p, direction: 'in' }, true));
    const current = state.conversations[last];
    if (current && state.typing && state.typing.until > Date.now() && state.typing.conversation === current.id) {
      children.push(el('p', { class: 'typing', text: t('typing', { who: state.typing.who || t('someone') }) }));
    } else if (current && state.seen === current.id && current.state !== 'resolved') {
      children.push(el('p', { class: 'seen', text: t('seen') }));
    }
    log.replaceChildren(...children);
    if (atBottom || state.pending.length) log.scrollTop = log.scrollHeight;
    const text = state.failed ? t('unavailable') : state.connected ? '' : (everConnected ? t('reconnecting') : t('connecting'));
    status.textContent = text;
    status.hidden = !text;
    notice.textContent = state.notice;
    notice.hidden = !state.notice;
  }

  // --- the conversation, as the server tells it --------------------------------------------------
  function conversation(id) {
    let c = state.conversations.find((x) => x.id === id);
    if (!c) {
      c = { id, state: 'open', rating: null, rate: false, messages: [] };
      state.conversations.push(c);
    }
    return c;
  }
  function addMessage(conversationId, m) {
    const c = conversation(conversationId);
    if (c.messages.some((x) => x.id === m.id)) return false;   // nothing shown twice
    c.messages.push(m);
    c.messages.sort((a, b) => String(a.at).localeCompare(String(b.at)));
    return true;
  }
  function merge(c) {
    const mine = conversation(c.id);
    Object.assign(mine, { state: c.state, rating: c.rating, rate: c.rate });
    for (const m of c.messages) addMessage(c.id, m);
  }

  // --- the socket: hello, then live; reconnects, and resends what was not accepted ---------------
  let socket = null;
  let everConnected = false;
  let retry = 0;
  let lastTyping = 0;
  function connect() {
    let ws;
    try {
      ws = new WebSocket(`${src.protocol === 'https:' ? 'wss:' : 'ws:'}//${src.host}/chat/${channel}/socket`);
    } catch {
      state.failed = true;
      draw();
      return;
    }
    socket = ws;
    ws.onopen = () => {
      ws.send(JSON.stringify({ type: 'hello', visitor: state.visitor, identifier, identifier_hash: identifierHash, lang: state.lang }));
    };
    ws.onmessage = (e) => {
      let f;
      try { f = JSON.parse(e.data); } catch { return; }
      receive(f);
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      state.connected = false;
      draw();
      retry = Math.min(retry + 1, 6);
      const wait = Math.min(15000, 500 * 2 ** retry) * (0.5 + Math.random() / 2);
      setTimeout(connect, wait);
    };
  }
  // Tells the server which messages this page now has, by each conversation's newest: a reply the page never got
  // (the tab closed as it came, a phone in a tunnel) is then e-mailed when the chat is set up to (offline_email).
  function acknowledge(conversationIds) {
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    const conversations = {};
    for (const id of conversationIds) {
      let newest = 0;
      for (const m of conversation(id).messages) {
        const n = /^m\d+$/.test(m.id) ? Number(m.id.slice(1)) : 0;
        if (n > newest) newest = n;
      }
      if (newest > 0) conversations[id] = `m${newest}`;
    }
    if (Object.keys(conversations).length) socket.send(JSON.stringify({ type: 'shown', conversations }));
  }
  function receive(f) {
    switch (f.type) {
      case 'welcome':
        state.connected = true;
        everConnected = true;
        retry = 0;
        if (f.max_attachment > 0) state.maxAttachment = f.max_attachment;
        for (const c of f.conversations || []) merge(c);
        acknowledge((f.conversations || []).map((c) => c.id));
        for (const p of state.pending) { p.failed = false; sendPending(p); }   // what the drop left unsent
        break;
      case 'conversation':
        merge(f.conversation);
        acknowledge([f.conversation.id]);
        break;
      case 'accepted': {
        state.pending = state.pending.filter((p) => p.id !== f.id);
        save();
        if (f.message && f.message.id) addMessage(f.conversation_id, f.message);
        conversation(f.conversation_id).state = 'open';
        break;
      }
      case 'message':
        if (addMessage(f.conversation_id, f.message) && f.message.direction === 'out') {
          if (!state.open || document.hidden) state.unread += 1;
          if (state.typing?.conversation === f.conversation_id) state.typing = null;
          acknowledge([f.conversation_id]);
        }
        break;
      case 'typing':
        state.typing = { conversation: f.conversation_id, who: f.author, until: Date.now() + 6000 };
        setTimeout(draw, 6100);
        break;
      case 'seen':
        state.seen = f.conversation_id;
        break;
      case 'resolved': {
        const c = conversation(f.conversation_id);
        c.state = 'resolved';
        c.rate = Boolean(f.rate) && c.rating == null;
        break;
      }
      case 'rated': {
        const c = conversation(f.conversation_id);
        c.rating = f.score;
        c.rate = false;
        break;
      }
      case 'error': {
        const p = f.id && state.pending.find((x) => x.id === f.id);
        if (f.error === 'rate_limited' && p) {
          p.failed = true;
          setTimeout(() => sendPending(p), 3000);
          state.notice = t('rateLimited');
        } else if (p && p.bytes) {
          state.pending = state.pending.filter((x) => x !== p);   // a refused file: said why, not retried
          state.notice = f.error === 'unsupported_file' ? t('fileKind') : f.error === 'too_large' ? t('tooBig', { n: Math.round(state.maxAttachment / 1048576) }) : f.message;
        } else if (p && (f.error === 'too_long' || f.error === 'invalid_message')) {
          state.pending = state.pending.filter((x) => x !== p);
          drafts.message = p.text;
          const box = root.getElementById(ids.message);
          if (box) box.value = p.text;
          state.notice = f.error === 'too_long' ? t('tooLong') : f.message;
          save();
        } else if (p) {
          p.failed = true;   // the store is away: sent again on the next welcome
        }
        break;
      }
      default:
        return;
    }
    draw();
  }
  function sendPending(p) {
    if (!state.pending.includes(p) || !socket || socket.readyState !== 1 || !state.connected) return;
    if (p.bytes) {
      // A file: announced, then its bytes as one binary frame.
      socket.send(JSON.stringify({ type: 'attachment', id: p.id, file_name: p.attachments[0].name, size: p.bytes.byteLength,
                                   text: p.text, name: p.name || state.name }));
      socket.send(p.bytes);
      return;
    }
    socket.send(JSON.stringify({ type: 'message', id: p.id, text: p.text, name: p.name || state.name, contact: p.contact || '' }));
  }
  async function sendFile(file) {
    if (file.size > state.maxAttachment) {
      state.notice = t('tooBig', { n: Math.round(state.maxAttachment / 1048576) });
      draw();
      return;
    }
    if (!/^(image\/(png|jpeg|gif|webp)|application\/pdf)$/.test(file.type)) {
      state.notice = t('fileKind');
      draw();
      return;
    }
    if (!state.name && !drafts.name.trim()) {
      state.notice = t('needName');
      draw();
      return;
    }
    if (!state.name) state.name = drafts.name.trim();  // the name goes with the file when it comes first
    const bytes = await file.arrayBuffer();
    const p = { id: `${Date.now().toString(36)}-${randomId(8)}`, text: '', name: state.name, bytes,
                attachments: [{ name: file.name, size: file.size, type: file.type }] };
    state.pending.push(p);
    state.notice = '';
    save();
    sendPending(p);
    draw();
  }
  function submit() {
    const text = drafts.message.trim();
    if (!state.name) {
      const name = drafts.name.trim();
      if (!name) {
        state.notice = t('needName');
        draw();
        root.getElementById(ids.name)?.focus();
        return;
      }
      if (!text) return;
      state.name = name;
    }
    if (!text) return;
    const p = { id: `${Date.now().toString(36)}-${randomId(8)}`, text, name: state.name, contact: drafts.contact.trim() };
    lastTyping = 0;  // the next keystroke is news again
    state.pending.push(p);
    drafts = { name: state.name, contact: '', message: '' };
    state.notice = '';
    save();
    const box = root.getElementById(ids.message);
    if (box) box.value = '';
    sendPending(p);
    draw();
    root.getElementById(ids.message)?.focus();
  }
  function rate(conversationId, score) {
    if (socket && socket.readyState === 1) socket.send(JSON.stringify({ type: 'rate', conversation_id: conversationId, score }));
  }
  function typingSignal() {
    const now = Date.now();
    if (now - lastTyping < 3000 || !socket || socket.readyState !== 1) return;
    lastTyping = now;
    socket.send('{"type":"typing"}');
  }

  function start() {
    document.body.append(host);
    if (typeof WebSocket !== 'function') state.failed = true;
    draw();
    if (!state.failed) connect();
    addEventListener('resize', place);
    document.addEventListener('visibilitychange', () => { if (!document.hidden && state.open) { state.unread = 0; draw(); } });
    if (!pageMode) {
      root.addEventListener('keydown', (e) => { if (e.key === 'Escape' && state.open) { state.open = false; draw(); } });
    }
  }
  if (document.body) start(); else document.addEventListener('DOMContentLoaded', start, { once: true });
})();
