// The browser tests' world, all real and on loopback: a redis-server on a free
// port, the built omnirouted on another, a fake Twilio (a real HTTP server that
// takes replies and reports their delivery as Twilio would), an SMTP server
// that keeps what the e-mail channel sends, Debian's
// Chromium driven by playwright-core (pinned in console/package-lock.json),
// and for the history's scenarios a PostgreSQL cluster on a unix socket.

import { spawn, spawnSync } from 'node:child_process';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { createConnection, createServer as netServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(new URL('../../console/package.json', import.meta.url));
export const { chromium } = require('playwright-core');

export const API_SECRET = 'browser-test-secret';
export const TWILIO_TOKEN = 'browser-twilio-token';
export const TWILIO_SID = 'AC11111111111111111111111111111111';
export const ADMIN = 'admin-token-0123456789';
export const CHAT_SECRET = 'browser-chat-secret';
export const SUPERVISOR = 'sunil-supervisor-token-0123456';
export const AGENTS = {
  asha: { token: 'asha-token-0123456789', name: 'Asha Rao' },
  ravi: { token: 'ravi-token-0123456789', name: 'Ravi Kumar' },
  tara: { token: 'tara-token-0123456789', name: 'Tara Devi' },
};
export const ARTIFACTS = process.env.ARTIFACTS_DIR || join(process.cwd(), 'browser-artifacts');

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = netServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

function redisPing(port) {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' }, () => socket.write('PING\r\n'));
    socket.on('data', (d) => { resolve(String(d).startsWith('+PONG')); socket.destroy(); });
    socket.on('error', () => resolve(false));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/// Polls `check` until it is truthy (or `ms` pass); returns its last value.
export async function eventually(check, ms = 10000) {
  const end = Date.now() + ms;
  let value;
  while (Date.now() < end) {
    value = await check();
    if (value) return value;
    await sleep(50);
  }
  return value;
}

/// A fake Twilio Messages API: records each reply, answers with a message SID; while `failing` is above 0
/// it answers 503 instead (and counts down), as Twilio does when it is in trouble.
function fakeTwilio() {
  const sent = [];
  const fake = { sent, failing: 0, refused: 0 };
  let n = 0;
  fake.server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      if (fake.failing > 0) {
        fake.failing--;
        fake.refused++;
        res.writeHead(503, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ code: 20503, message: 'Service unavailable' }));
        return;
      }
      const fields = Object.fromEntries(new URLSearchParams(body));
      const sid = `SM${String(++n).padStart(32, '0')}`;
      sent.push({ path: req.url, fields, sid });
      res.writeHead(201, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ sid, status: 'queued' }));
    });
  });
  return fake;
}

/// An SMTP server on loopback (the e-mail channel's outgoing mail): EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT;
/// keeps every message it accepted as { from, to: [...], data } (data with dot-stuffing undone).
function fakeSmtp() {
  const mails = [];
  const server = netServer((socket) => {
    let buffer = '';
    let mail = null;
    let inData = false;
    const say = (line) => socket.write(`${line}\r\n`);
    say('220 mail.shop.example ESMTP');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      let end;
      while ((end = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            mails.push(mail);
            mail = null;
            say('250 2.0.0 queued');
          } else {
            mail.data += `${line.startsWith('..') ? line.slice(1) : line}\r\n`;
          }
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') say('250 mail.shop.example');
        else if (verb === 'MAIL') { mail = { from: line.replace(/^.*?<|>.*$/g, ''), to: [], data: '' }; say('250 2.1.0 ok'); }
        else if (verb === 'RCPT' && mail) { mail.to.push(line.replace(/^.*?<|>.*$/g, '')); say('250 2.1.5 ok'); }
        else if (verb === 'DATA' && mail) { inData = true; say('354 go ahead'); }
        else if (verb === 'RSET') { mail = null; say('250 ok'); }
        else if (verb === 'NOOP') say('250 ok');
        else if (verb === 'QUIT') { say('221 bye'); socket.end(); }
        else say('502 5.5.2 not here');
      }
    });
    socket.on('error', () => {});
  });
  return { server, mails };
}

function config({ port, redisPort, twilioPort, offerTimeout, capacity, historyUrl, shopPort, keyFile, smtpPort }) {
  const room = capacity || 50;
  const agents = Object.entries(AGENTS).map(([id, a]) =>
    `  - { id: ${id}, name: ${a.name}, token: ${a.token}, skills: [en, hi, te${id === 'tara' ? ', callback' : ''}], capacity: { chat: ${room}, sms: ${room} } }`).join('\n');
  return `server:
  listen: 127.0.0.1:${port}
  public_url: http://127.0.0.1:${port}
  threads: 2
  admin_token: ${ADMIN}
  secrets_key_file: ${keyFile}
redis:
  url: redis://127.0.0.1:${redisPort}/0
  workspace: browser
outbound: { retry_base: 50ms, retry_max: 200ms, max_attempts: 2 }
channels:
  - { id: api, kind: webhook, secret: ${API_SECRET} }
  - { id: sms, kind: twilio_sms, account_sid: ${TWILIO_SID}, auth_token: ${TWILIO_TOKEN}, from: "+15005550006", api_base: "http://127.0.0.1:${twilioPort}", csat: { window: 24h, templates: { en: "How did we do? Reply 1-5", hi: "हमारी सेवा कैसी रही? 1-5 भेजें" } } }
  - { id: site, kind: webchat, secret: ${CHAT_SECRET}, allowed_origins: ["http://localhost:${shopPort}"], csat: true }
  - { id: mail, kind: email, address: help@shop.example, webhook_signing_key: browser-mail-key-0123456789, smtp: { url: "smtp://127.0.0.1:${smtpPort}" } }
  # The shop's second chat: replies its visitors' pages never got are e-mailed through "mail".
  - { id: desk, kind: webchat, secret: ${CHAT_SECRET}, allowed_origins: ["http://localhost:${shopPort}"], offline_email: mail }
queues:
  - { id: general, channels: [api, sms, site, mail, desk], strategy: least_busy, sla: { first_response: 15m } }
  - { id: offers, strategy: round_robin, offer_timeout: ${offerTimeout || '4s'} }
  - { id: fast, strategy: least_busy, sla: { first_response: 4s, warn_at: 0.5 } }
routing:
  rules:
    # Only tara takes call-backs: an offer left unanswered in one test is never offered to another test's agent.
    - { match: { channel: api, text_matches: "^OFFER" }, queue: offers, skills: [callback] }
    - { match: { channel: api, text_matches: "^FAST" }, queue: fast }
agents:
${agents}
admins:
  - { id: sunil, name: Sunil Rao, token: ${SUPERVISOR}, role: supervisor }
${historyUrl ? `history: { url: "${historyUrl}", archive_after: 1h }\n` : ''}`;
}

/// A PostgreSQL cluster for the history, as ./scripts/run makes one: Debian's server, a data directory in
/// a fresh temporary directory, a unix socket only, run as the postgres user when we are root (PostgreSQL
/// refuses root); a role that owns its database. Answers { url, stop() }.
async function startPostgres() {
  const versions = readdirSync('/usr/lib/postgresql').filter((v) => existsSync(`/usr/lib/postgresql/${v}/bin/postgres`));
  if (versions.length === 0) throw new Error('no PostgreSQL server under /usr/lib/postgresql (./scripts/setup installs it)');
  const bin = `/usr/lib/postgresql/${versions.sort((a, b) => Number(a) - Number(b)).at(-1)}/bin`;
  const dir = mkdtempSync(join(tmpdir(), 'omniroute-browser-pg-'));
  const root = process.getuid() === 0;
  if (root) {
    const uid = Number(spawnSync('id', ['-u', 'postgres']).stdout);
    const gid = Number(spawnSync('id', ['-g', 'postgres']).stdout);
    chownSync(dir, uid, gid);
  }
  const as = (tool, args, options) => (root ? spawn('runuser', ['-u', 'postgres', '--', `${bin}/${tool}`, ...args], options)
    : spawn(`${bin}/${tool}`, args, options));
  const finished = (child) => new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  const initdb = as('initdb', ['-D', `${dir}/data`, '-U', 'postgres', '--auth-local=trust', '-E', 'UTF8', '--locale=C.UTF-8',
                               '--no-sync'], { stdio: 'ignore' });
  if (await finished(initdb) !== 0) throw new Error('initdb failed');
  const port = await freePort();
  const server = as('postgres', ['-D', `${dir}/data`, '-p', String(port), '-k', dir, '-c', 'listen_addresses=',
                                 '-c', 'fsync=off', '-c', 'shared_buffers=32MB'], { stdio: 'ignore' });
  const psql = (sql) => spawnSync('psql', ['-h', dir, '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-qAtc', sql]);
  if (!await eventually(() => psql('SELECT 1').status === 0, 15000)) throw new Error('PostgreSQL did not start');
  for (const sql of ['CREATE ROLE omniroute LOGIN', 'CREATE DATABASE omniroute OWNER omniroute']) {
    if (psql(sql).status !== 0) throw new Error(`psql: ${sql} failed`);
  }
  return {
    url: `postgresql:///omniroute?host=${dir}&port=${port}&user=omniroute`,
    async stop() {
      // Fast shutdown, told to the postmaster itself (runuser, when we are root, does not pass SIGINT on).
      const pid = Number(String(readFileSync(`${dir}/data/postmaster.pid`)).split('\n')[0]);
      try { process.kill(pid, 'SIGINT'); } catch { /* gone already */ }
      await Promise.race([finished(server), sleep(10000)]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/// The business's own website, on another origin (http://localhost:<port>, where the daemon is 127.0.0.1):
/// a page that embeds the chat with a strict Content-Security-Policy allowing only our origin, and CSS that
/// would restyle every button and text on the page if it could reach into the widget. `?lang=`,
/// `?identifier=` and `?hash=` become the script tag's data-lang, data-identifier and data-identifier-hash;
/// `?channel=` names the chat (default `site`).
function shop(chatBase) {
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    const attr = (name, value) => (value ? ` ${name}="${value.replace(/"/g, '&quot;')}"` : '');
    const ws = chatBase.replace(/^http/, 'ws');
    const html = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Saree Shop</title>
<link rel="stylesheet" href="/shop.css"></head>
<body><h1>Saree Shop</h1><p class="lead">Handloom sarees from Pochampally.</p>
<button class="launcher" id="host-button">Buy now</button>
<script src="${chatBase}/chat/${url.searchParams.get('channel') || 'site'}/widget.js" async${attr('data-lang', url.searchParams.get('lang'))}${attr('data-identifier', url.searchParams.get('identifier'))}${attr('data-identifier-hash', url.searchParams.get('hash'))}></script>
</body></html>`;
    if (url.pathname === '/shop.css') {
      res.writeHead(200, { 'Content-Type': 'text/css' });
      res.end('* { font-family: "Comic Sans MS", serif !important; } button { background: rgb(0, 255, 0) !important; color: rgb(255, 0, 0) !important; } div, p, section { color: rgb(255, 0, 0); letter-spacing: 3px; }');
      return;
    }
    res.writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8',
      // Strict: scripts, sockets and styles only from here and from the chat's origin; nothing inline.
      'Content-Security-Policy': `default-src 'self'; script-src 'self' ${chatBase}; connect-src 'self' ${ws}; style-src 'self'; img-src 'self' data:`,
    });
    res.end(html);
  });
  return server;
}

/// A TCP relay in front of omnirouted: the browser's network, which a test can cut (every connection
/// dropped, new ones refused) and restore.
function relay(targetPort) {
  const sockets = new Set();
  let down = false;
  const server = netServer((client) => {
    if (down) { client.destroy(); return; }
    const upstream = createConnection({ port: targetPort, host: '127.0.0.1' });
    sockets.add(client);
    sockets.add(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    const end = () => { client.destroy(); upstream.destroy(); sockets.delete(client); sockets.delete(upstream); };
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
  });
  return {
    server,
    cut() { down = true; for (const s of sockets) s.destroy(); sockets.clear(); },
    restore() { down = false; },
  };
}

export class World {
  async start(options = {}) {
    this.dir = mkdtempSync(join(tmpdir(), 'omniroute-browser-'));
    mkdirSync(ARTIFACTS, { recursive: true });
    this.redisPort = await freePort();
    this.redis = spawn('redis-server', ['--port', String(this.redisPort), '--bind', '127.0.0.1', '--save', '',
                                        '--appendonly', 'no', '--dir', this.dir], { stdio: 'ignore' });
    if (!await eventually(() => redisPing(this.redisPort), 10000)) throw new Error('redis-server did not start');
    if (options.history) this.postgres = await startPostgres();
    const twilio = fakeTwilio();
    this.twilio = twilio;
    await new Promise((r) => twilio.server.listen(0, '127.0.0.1', r));
    this.smtp = fakeSmtp();
    await new Promise((r) => this.smtp.server.listen(0, '127.0.0.1', r));
    this.port = await freePort();
    this.base = `http://127.0.0.1:${this.port}`;
    // The browser reaches the daemon through a relay the tests can cut (a network drop).
    this.network = relay(this.port);
    await new Promise((r) => this.network.server.listen(0, '127.0.0.1', r));
    this.front = `http://127.0.0.1:${this.network.server.address().port}`;
    // The business's site (allowed to embed the chat) and a stranger's (not allowed), both serving the same page.
    this.shopServer = shop(this.front);
    this.strangerServer = shop(this.front);
    await new Promise((r) => this.shopServer.listen(0, '127.0.0.1', r));
    await new Promise((r) => this.strangerServer.listen(0, '127.0.0.1', r));
    this.shop = `http://localhost:${this.shopServer.address().port}`;
    this.stranger = `http://localhost:${this.strangerServer.address().port}`;
    const file = join(this.dir, 'omniroute.yaml');
    // The key sealing secrets of channels added on the board (mode 600, as the daemon requires).
    const keyFile = join(this.dir, 'secrets.key');
    writeFileSync(keyFile, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600 });
    writeFileSync(file, config({ keyFile, port: this.port, redisPort: this.redisPort, twilioPort: twilio.server.address().port,
                                 offerTimeout: options.offerTimeout, capacity: options.capacity,
                                 historyUrl: this.postgres?.url, shopPort: this.shopServer.address().port,
                                 smtpPort: this.smtp.server.address().port }));
    const binary = process.env.OMNIROUTED || join(process.cwd(), 'src', 'omnirouted');
    this.log = '';
    this.daemon = spawn(binary, ['--config', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.daemon.stdout.on('data', (d) => { this.log += d; });
    this.daemon.stderr.on('data', (d) => { this.log += d; });
    const ready = await eventually(async () => {
      try { return (await fetch(`${this.base}/readyz`)).status === 200; } catch { return false; }
    }, 15000);
    if (!ready) throw new Error(`omnirouted did not become ready:\n${this.log}`);
    this.browser = await chromium.launch({
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--lang=en-US'],
    });
    return this;
  }

  async stop() {
    await this.browser?.close().catch(() => {});
    this.daemon?.kill('SIGTERM');
    this.twilio?.server.close();
    this.smtp?.server.close();
    this.shopServer?.close();
    this.strangerServer?.close();
    this.network?.cut();
    this.network?.server.close();
    this.redis?.kill('SIGTERM');
    await this.postgres?.stop();
    await sleep(100);
    rmSync(this.dir, { recursive: true, force: true });
  }

  /// A customer's message on the generic channel, signed (HMAC-SHA256 of the body).
  async customerWrites(id, handle, text, name) {
    const body = JSON.stringify({ id, from: { handle, ...(name ? { name } : {}) }, text });
    const signature = createHmac('sha256', API_SECRET).update(body).digest('hex');
    const res = await fetch(`${this.base}/webhooks/api`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Omniroute-Signature': `sha256=${signature}` }, body,
    });
    if (res.status !== 200) throw new Error(`webhook answered ${res.status}: ${await res.text()}`);
  }

  /// A form POST to the SMS channel as Twilio signs it.
  async twilioPosts(fields) {
    const url = `${this.base}/webhooks/sms`;
    const data = url + Object.keys(fields).sort().map((k) => k + fields[k]).join('');
    const signature = createHmac('sha1', TWILIO_TOKEN).update(data).digest('base64');
    const res = await fetch(url, {
      method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': signature },
      body: new URLSearchParams(fields).toString(),
    });
    if (res.status >= 300) throw new Error(`sms webhook answered ${res.status}: ${await res.text()}`);
  }

  smsArrives(sid, from, text, name) {
    return this.twilioPosts({ MessageSid: sid, From: from, To: '+15005550006', Body: text, ...(name ? { ProfileName: name } : {}) });
  }

  smsStatus(sid, status) {
    return this.twilioPosts({ MessageSid: sid, MessageStatus: status });
  }

  /// An API call with a token (Bearer), for setting things up.
  async call(token, method, path, body) {
    const res = await fetch(`${this.base}${path}`, {
      method, headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
  }

  /// Sets an agent's presence through the API (as their own client would).
  async setStatus(agent, status) {
    const r = await this.call(AGENTS[agent].token, 'PUT', '/v1/agents/me/status', { status });
    if (r.status !== 200) throw new Error(`status ${status} for ${agent}: ${r.status} ${JSON.stringify(r.body)}`);
  }

  /// A new browser page as the team's users have them — India's time zone, a Hindi browser — recording every
  /// URL it requests. `language`: the interface language the user chose earlier (kept in the browser, as the
  /// Language control keeps it), or null for none (the console then follows the browser's language).
  /// `viewport` and `touch`: a phone's screen (390×844, touch, a mobile viewport) instead of a desktop's.
  async page(locale = 'hi-IN', { language = 'en', timezoneId = 'Asia/Kolkata', viewport = { width: 1280, height: 800 },
                                 touch = false } = {}) {
    const context = await this.browser.newContext({ locale, timezoneId, viewport, hasTouch: touch, isMobile: touch });
    if (language) {
      await context.addInitScript((code) => {
        if (!localStorage.getItem('omniroute.language')) localStorage.setItem('omniroute.language', code);
      }, language);
    }
    const page = await context.newPage();
    page.requested = [];
    page.on('request', (r) => page.requested.push(r.url()));
    page.on('websocket', (ws) => page.requested.push(ws.url()));
    page.errors = [];
    page.on('pageerror', (e) => page.errors.push(String(e)));
    return page;
  }

  async signIn(page, agent, path = '/') {
    await page.goto(this.front + path);
    await page.getByLabel('Token').fill(agent === 'admin' ? ADMIN : AGENTS[agent].token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  }

  async screenshot(page, name) {
    await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: false });
  }
}

export function sha256(s) {
  return createHash('sha256').update(s).digest('hex');
}
