// The supervisor board in real Chromium: admin sign-in, tables named Queues,
// Agents and SLA that change live (a webhook, an agent going available, a
// deadline reached), the alert feed, and a conversation opened from the board.

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';
import { ADMIN, AGENTS, SUPERVISOR, World } from './harness.mjs';

let w;
before(async () => { w = await new World().start(); });
after(async () => { await w?.stop(); });

const setStatus = (agent, status) => w.setStatus(agent, status);

/// The id of the conversation with the contact `name` once it is assigned to `agent` (polled, bounded).
async function assignedTo(agent, name) {
  for (let i = 0; i < 100; i++) {
    const r = await w.call(AGENTS[agent].token, 'GET', '/v1/agents/me/conversations');
    const conv = r.body.conversations.find((c) => c.contact?.name === name)?.id;
    if (conv) return conv;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`${name}'s conversation was never assigned to ${agent}`);
}

test('the board shows queues, agents and deadlines, and they change without a reload', async () => {
  for (const id of Object.keys(AGENTS)) await setStatus(id, 'offline');
  const page = await w.page();
  await w.signIn(page, 'admin', '/board');
  const queues = page.getByRole('table', { name: 'Queues' });
  const agents = page.getByRole('table', { name: 'Agents' });
  const sla = page.getByRole('table', { name: 'SLA' });
  await queues.getByRole('columnheader', { name: 'Depth' }).waitFor();
  const general = queues.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'general', exact: true }) });
  assert.equal((await general.getByRole('cell').first().textContent()).trim(), '0');
  assert.match((await general.first().textContent()).trim(), /^general/);

  // A customer writes while nobody is available: the queue's depth goes up, live.
  await w.customerWrites('b-1', 'cust-board-1', 'Hello, anyone? హలో', 'Board Customer');
  await general.getByRole('cell').first().filter({ hasText: /^1$/ }).waitFor();

  // An agent becomes available: the agents table says so, and the conversation is taken from the queue.
  await setStatus('ravi', 'available');
  await agents.getByRole('row', { name: /Ravi Kumar/ }).getByText('Available').waitFor();
  await general.getByRole('cell').first().filter({ hasText: /^0$/ }).waitFor();
  await setStatus('ravi', 'offline');

  // A deadline comes due (queue "fast": first response in 4 s, warning at half): at risk, then breached,
  // each alert in the feed once.
  await w.customerWrites('b-2', 'cust-board-2', 'FAST please', 'Hurry Customer');
  const conv = await (async () => {
    for (let i = 0; i < 100; i++) {
      const r = await w.call('admin-token-0123456789', 'GET', '/v1/conversations?state=queued&queue=fast');
      if (r.body.conversations.length) return r.body.conversations[0].id;
      await new Promise((res) => setTimeout(res, 50));
    }
    throw new Error('no conversation in queue fast');
  })();
  await sla.getByRole('row').filter({ hasText: conv }).first().waitFor({ timeout: 15000 });
  await page.locator('tr.row-breached', { hasText: conv }).waitFor({ timeout: 15000 });
  const feed = page.getByRole('region', { name: 'Alerts' });
  await feed.getByText('sla.breached').first().waitFor({ timeout: 10000 });
  // A later change (a customer in general) and the board re-read after it: still each alert once.
  await w.customerWrites('b-3', 'cust-board-3', 'one more', 'Later Customer');
  await general.getByRole('cell').first().filter({ hasText: /^1$/ }).waitFor();
  assert.equal(await feed.locator('li', { hasText: 'sla.breached' }).filter({ hasText: conv }).count(), 1);
  assert.equal(await feed.locator('li', { hasText: 'sla.warning' }).filter({ hasText: conv }).count(), 1);
  await w.screenshot(page, 'board-en');

  // The supervisor opens it from the board and reads the transcript.
  await sla.getByRole('button', { name: conv }).click();
  await page.getByRole('region', { name: 'Transcript' }).getByText('FAST please').waitFor();

  // Tara takes it; the supervisor hands it to Ravi, who has room: the agents table follows.
  await setStatus('tara', 'available');
  const panel = page.getByRole('complementary', { name: 'Conversation' });
  await panel.getByText(/assigned · tara/).waitFor();
  await setStatus('ravi', 'available');
  await agents.getByRole('row', { name: /Ravi Kumar/ }).getByText('Available').waitFor();
  await panel.getByLabel('Transfer to').selectOption('agent:ravi');
  await panel.getByRole('button', { name: 'Reassign' }).click();
  await panel.getByText(/assigned · ravi/).waitFor();
  const view = await w.call('admin-token-0123456789', 'GET', `/v1/conversations/${conv}`);
  assert.equal(view.body.agent, 'ravi');
  assert.deepEqual(page.errors, []);
  for (const url of page.requested) assert.ok(!url.includes('admin-token'), 'no token in a URL');
  await page.context().close();
});

test('an agent signing in on the board is sent to the console; the admin on the console to the board', async () => {
  const page = await w.page();
  await w.signIn(page, 'admin', '/');
  await page.getByRole('table', { name: 'Queues' }).waitFor();
  assert.ok(page.url().endsWith('/board'));
  await page.context().close();
});

test('a supervisor sees the board and reports but no control they may not use', async () => {
  const page = await w.page();
  await page.goto(`${w.front}/board`);
  await page.getByLabel('Token').fill(SUPERVISOR);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('table', { name: 'Queues' }).waitFor();
  await page.getByRole('table', { name: 'Agents' }).waitFor();
  await page.getByRole('region', { name: 'Reports' }).or(page.getByLabel('Reports')).first().waitFor();
  for (const card of ['Manage agents', 'Canned responses', 'Labels']) {
    assert.equal(await page.getByLabel(card, { exact: true }).count(), 0, `no "${card}" card for a supervisor`);
  }
  assert.equal(await page.getByRole('button', { name: 'Erase' }).count(), 0);
  // What the page would not offer, the API refuses too.
  const r = await page.evaluate(async () => (await fetch('/v1/agents', { method: 'POST', headers: { 'Content-Type': 'application/json' },
                                                                         body: '{"id":"x","capacity":{"chat":1}}' })).status);
  assert.equal(r, 403);
  await w.screenshot(page, 'board-supervisor');
  await page.context().close();
});

test('the admin adds an agent on the board, and that agent can sign in with the token shown once', async () => {
  const board = await w.page();
  await w.signIn(board, 'admin', '/board');
  const manage = board.getByRole('region', { name: 'Manage agents' });
  await manage.getByLabel('Id').fill('meera');
  await manage.getByLabel('Name').fill('मीरा शर्मा');
  await manage.getByLabel('Skills').fill('hi, te');
  await manage.getByRole('button', { name: 'Add agent' }).click();
  const token = (await manage.getByLabel('New token').textContent()).trim();
  assert.match(token, /^[0-9a-f]{64}$/);
  await board.getByRole('table', { name: 'Agents' }).getByText('मीरा शर्मा').waitFor();

  const console = await w.page();
  await console.goto(w.front + '/');
  await console.getByLabel('Token').fill(token);
  await console.getByRole('button', { name: 'Sign in' }).click();
  await console.getByText('मीरा शर्मा').first().waitFor();
  await console.getByRole('button', { name: 'Sign out' }).waitFor();
  assert.ok(!board.requested.concat(console.requested).some((u) => u.includes(token)), 'the token is in no URL');
  // The Audit card says who added her, and her token is "set", never shown again.
  const audit = board.getByRole('table', { name: 'Audit' });
  const row = audit.getByRole('row').filter({ hasText: 'agent.created' }).filter({ hasText: 'meera' });
  await row.waitFor();
  assert.match(await row.textContent(), /token/);
  assert.doesNotMatch(await audit.textContent(), new RegExp(token));
  await board.getByRole('region', { name: 'Audit' }).screenshot({ path: `${process.env.ARTIFACTS_DIR || 'browser-artifacts'}/board-audit.png` });
  await board.context().close();
  await console.context().close();
});


test('reports: a reply made now is a first response in the Reports table and chart, and the CSV has the same row', async () => {
  for (const id of Object.keys(AGENTS)) await setStatus(id, 'offline');
  await setStatus('asha', 'available');
  await w.customerWrites('r-1', 'cust-report-1', 'मेरा रिफंड कब आएगा?', 'Report Customer');
  const conv = await assignedTo('asha', 'Report Customer');
  assert.equal((await w.call(AGENTS.asha.token, 'POST', `/v1/conversations/${conv}/messages`, { text: 'कल तक' })).status, 202);

  // As a supervisor in India has it (the page runs in Asia/Kolkata): the report is asked for in that zone,
  // percent-encoded by the browser, and answered — not an error.
  const page = await w.page();
  const asked = [];
  page.on('request', (r) => { if (r.url().includes('/v1/reports/')) asked.push(r.url()); });
  await w.signIn(page, 'admin', '/board');
  const reports = page.getByRole('region', { name: 'Reports' });
  await reports.getByLabel('Group by').selectOption('agent');
  const table = reports.getByRole('table', { name: 'Response times' });
  const row = table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'asha', exact: true }) });
  await row.waitFor();
  assert.ok(asked.some((u) => /tz=Asia%2F(Kolkata|Calcutta)/.test(u)), asked.join('\n'));
  assert.equal(await reports.getByRole('alert').count(), 0);
  assert.equal((await row.getByRole('cell').first().textContent()).trim(), '1');  // one first response
  // Both clocks, labelled: what the customer waited and the SLA's business-hours clock.
  await table.locator('thead').getByText('Waited (clock time)').waitFor();
  await table.locator('thead').getByText('Business hours (SLA clock)').waitFor();
  await reports.getByRole('img', { name: /First response/ }).getByText('asha').waitFor();
  const href = await reports.getByRole('link', { name: 'Download CSV' }).getAttribute('href');
  const csv = await page.request.get(w.front + href);  // the board's own session cookie
  assert.equal(csv.status(), 200);
  assert.match(csv.headers()['content-type'], /^text\/csv/);
  const lines = (await csv.text()).trim().split('\r\n');
  assert.match(lines[0], /^agent,first_response_count,first_response_wall_p50,/);
  assert.match(lines[0], /first_response_business_p50/);
  assert.match(lines[0], /first_response_met,first_response_with_target,/);
  assert.ok(lines.some((l) => l.startsWith('asha,1,')), lines.join('\n'));
  await reports.scrollIntoViewIfNeeded();
  await w.screenshot(page, 'board-reports');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the admin keeps a label catalogue on the board; agents are offered its labels', async () => {
  const board = await w.page();
  await w.signIn(board, 'admin', '/board');
  const labels = board.getByRole('region', { name: 'Labels' });
  await labels.getByLabel('Label', { exact: true }).fill('refund');
  await labels.getByLabel('Description').fill('पैसे वापस');
  await labels.getByLabel('Colour').selectOption('orange');
  await labels.getByRole('button', { name: 'Save' }).click();
  await labels.getByText('पैसे वापस').waitFor();
  const r = await w.call('admin-token-0123456789', 'GET', '/v1/labels');
  assert.deepEqual(r.body.labels, [{ name: 'refund', description: 'पैसे वापस', color: 'orange' }]);
  assert.deepEqual(board.errors, []);
  await board.context().close();
});

test('a reply the provider kept refusing is a dead letter; Retry on the board delivers it once', async () => {
  for (const id of Object.keys(AGENTS)) await setStatus(id, 'offline');
  await setStatus('tara', 'available');
  w.twilio.failing = 2;  // both attempts refused: dead-lettered
  await w.smsArrives('SMdead0000000000000000000000000001', '+919800000077', 'मेरा ऑर्डर कहाँ है?', 'Dead Letter Customer');
  const conv = await assignedTo('tara', 'Dead Letter Customer');
  const sentBefore = w.twilio.sent.length;
  assert.equal((await w.call(AGENTS.tara.token, 'POST', `/v1/conversations/${conv}/messages`, { text: 'कल पहुँचेगा' })).status, 202);

  const board = await w.page();
  await w.signIn(board, 'admin', '/board');
  const dead = board.getByRole('table', { name: 'Dead letters' });
  const row = dead.getByRole('row').filter({ hasText: 'कल पहुँचेगा' });
  await row.waitFor({ timeout: 15000 });
  assert.equal(w.twilio.refused >= 2, true);
  await row.getByRole('button', { name: 'Retry' }).click();
  await row.waitFor({ state: 'detached' });
  for (let i = 0; i < 100 && w.twilio.sent.length === sentBefore; i++) await new Promise((res) => setTimeout(res, 50));
  const delivered = w.twilio.sent.slice(sentBefore).filter((s) => s.fields.Body === 'कल पहुँचेगा');
  assert.equal(delivered.length, 1);
  assert.equal(delivered[0].fields.To, '+919800000077');
  // Once: the same dead letter cannot be retried again, and nothing more goes out.
  const list = await w.call('admin-token-0123456789', 'GET', '/v1/outbox/dead');
  assert.ok(!list.body.dead_letters.some((d) => d.text === 'कल पहुँचेगा'));
  const view = await w.call('admin-token-0123456789', 'GET', `/v1/conversations/${conv}`);
  assert.equal(view.body.messages.find((m) => m.text === 'कल पहुँचेगा').delivery.status, 'sent');
  assert.equal(w.twilio.sent.filter((s) => s.fields.Body === 'कल पहुँचेगा').length, 1);
  assert.deepEqual(board.errors, []);
  await board.context().close();
});

test('the admin adds a Telegram channel from the form its kind declares, checks it, registers it, and it takes updates', async (t) => {
  // Telegram's Bot API for token 4242:BOARD, keeping the webhook as Telegram does.
  let webhook = '';
  let secretSent = '';
  const botApi = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      const method = req.url.replace('/bot4242:BOARD/', '');
      let answer = { ok: false, error_code: 401, description: 'Unauthorized' };
      if (req.url.startsWith('/bot4242:BOARD/')) {
        if (method === 'getMe') answer = { ok: true, result: { id: 4242, is_bot: true, first_name: 'दुकान सहायता', username: 'dukaan_help_bot' } };
        if (method === 'getWebhookInfo') answer = { ok: true, result: { url: webhook, pending_update_count: 0 } };
        if (method === 'setWebhook') {
          const sent = JSON.parse(body);
          webhook = sent.url;
          secretSent = sent.secret_token;
          answer = { ok: true, result: true, description: 'Webhook was set' };
        }
      }
      res.writeHead(answer.ok ? 200 : 401, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(answer));
    });
  });
  await new Promise((r) => botApi.listen(0, '127.0.0.1', r));
  t.after(() => botApi.close());  // also when an assertion fails: an open server would keep the test file running
  const board = await w.page();
  await w.signIn(board, 'admin', '/board');
  const card = board.getByRole('region', { name: 'Channels: add, check, register' });
  // The file's channels are read-only here, but can be checked.
  await card.getByText('configuration file (read-only here)').first().waitFor();
  assert.equal(await card.getByRole('button', { name: 'Remove api' }).count(), 0);

  await card.getByRole('button', { name: 'Add channel' }).click();
  const form = card.getByRole('form', { name: 'Add channel' });
  await form.getByLabel('Channel id').fill('tg-shop');
  await form.getByLabel('Kind').selectOption('telegram');
  await form.getByLabel('api_base').fill(`http://127.0.0.1:${botApi.address().port}`);
  await form.getByLabel('secret_token').fill('shop-secret-0123');
  // Sent without its bot token: the field says so, nothing is kept.
  await form.getByRole('button', { name: 'Add channel' }).click();
  await form.getByText('required').waitFor();
  assert.equal(await form.getByLabel('bot_token *').getAttribute('aria-invalid'), 'true');
  await form.screenshot({ path: `${process.env.ARTIFACTS_DIR || 'browser-artifacts'}/board-channel-form.png` });
  await form.getByLabel('bot_token *').fill('4242:BOARD');
  await form.getByRole('button', { name: 'Add channel' }).click();
  await card.getByText('tg-shop').waitFor();
  await card.getByText('telegram · added here').waitFor();

  await card.getByRole('button', { name: 'Check tg-shop' }).click();
  const result = card.getByRole('status', { name: 'Check result' });
  await result.getByText('A step failed').waitFor();
  assert.match(await result.textContent(), /@dukaan_help_bot/);
  assert.match(await result.textContent(), /webhook: Telegram's webhook is not set, not http:\/\/127\.0\.0\.1:\d+\/webhooks\/tg-shop/);
  await card.getByRole('button', { name: 'Register tg-shop' }).click();
  await result.getByText('Every step passed').waitFor();
  assert.match(webhook, /\/webhooks\/tg-shop$/);
  assert.equal(secretSent, 'shop-secret-0123');
  await card.getByRole('button', { name: 'Check tg-shop' }).click();
  await result.getByText('Every step passed').waitFor();
  await card.screenshot({ path: `${process.env.ARTIFACTS_DIR || 'browser-artifacts'}/board-channels.png` });

  // Live within a second of being added: Telegram's update with the secret it was registered with is stored.
  const update = JSON.stringify({ update_id: 81, message: { message_id: 81, from: { id: 9001, first_name: 'रवि' },
                                  chat: { id: 9001, type: 'private' }, date: 1796000000, text: 'मेरा पार्सल कहाँ है?' } });
  let status = 0;
  for (let i = 0; i < 50 && status !== 200; i++) {
    status = (await fetch(`${w.base}/webhooks/tg-shop`, { method: 'POST', body: update,
      headers: { 'Content-Type': 'application/json', 'X-Telegram-Bot-Api-Secret-Token': 'shop-secret-0123' } })).status;
    if (status !== 200) await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(status, 200);

  // An auto-acknowledgement set through the API (the form does not draw it) survives a change made in the form.
  const kept = (await w.call(ADMIN, 'GET', '/v1/channels/tg-shop')).body;
  const plain = Object.fromEntries(Object.entries(kept.settings).filter(([, v]) => v !== 'set'));
  const autoAck = { en: 'Thanks! About {eta}.', hi: 'धन्यवाद! लगभग {eta} में जवाब देंगे।' };
  assert.equal((await w.call(ADMIN, 'PUT', '/v1/channels/tg-shop', { ...plain, kind: kept.kind, queue: kept.queue, auto_ack: autoAck })).status, 200);

  // Changing it never shows a secret: the field is empty, marked as kept.
  await card.getByRole('button', { name: 'Edit tg-shop' }).click();
  const edit = card.getByRole('form', { name: 'Change channel' });
  assert.equal(await edit.getByLabel('bot_token *').inputValue(), '');
  assert.equal(await edit.getByLabel('bot_token *').getAttribute('placeholder'), 'set; leave empty to keep');
  assert.ok(!(await card.textContent()).includes('4242:BOARD'));
  await edit.getByRole('button', { name: 'Save' }).click();
  await edit.waitFor({ state: 'detached' });
  assert.deepEqual((await w.call(ADMIN, 'GET', '/v1/channels/tg-shop')).body.settings.auto_ack, autoAck);
  const audit = board.getByRole('table', { name: 'Audit' });
  await audit.getByRole('row').filter({ hasText: 'channel.registered' }).filter({ hasText: 'tg-shop' }).waitFor();
  assert.doesNotMatch(await audit.textContent(), /4242:BOARD|shop-secret-0123/);
  await board.context().close();
});
