// The agent console in real Chromium against the real omnirouted, Redis and a
// fake Twilio, driven the way an agent works: by labels and roles (CONTRACT.md
// "Web console"). Screenshots of the main screens land in ARTIFACTS_DIR.
// Run by ctest (Browser.Console); by hand: OMNIROUTED=build/src/omnirouted node --test tests/browser/

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ADMIN, AGENTS, World, eventually } from './harness.mjs';

let w;
before(async () => { w = await new World().start(); });
after(async () => { await w?.stop(); });

const setStatus = (agent, status) => w.setStatus(agent, status);

async function onlyAvailable(agent) {
  for (const id of Object.keys(AGENTS)) await setStatus(id, id === agent ? 'available' : 'offline');
}

const conversations = (page) => page.getByRole('list', { name: 'Conversations' });
const transcript = (page) => page.getByRole('region', { name: 'Transcript' });

test('sign in, and a customer message appears live in Mine; no token in any URL; CSP on the page', async () => {
  const page = await w.page();
  const response = await page.goto(w.front + '/');
  const csp = response.headers()['content-security-policy'] || '';
  assert.match(csp, /default-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  assert.equal(response.headers()['x-content-type-options'], 'nosniff');
  await page.getByLabel('Token').fill(AGENTS.asha.token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  await page.getByText('Asha Rao').first().waitFor();
  await page.getByLabel('Status').selectOption('available');
  await onlyAvailable('asha');

  await w.customerWrites('live-1', 'cust-live', 'Where is my parcel? मेरा पार्सल कहाँ है?', 'Meena Iyer');
  await conversations(page).getByText('Meena Iyer').waitFor();
  await conversations(page).getByText('Meena Iyer').click();
  await transcript(page).getByText('मेरा पार्सल कहाँ है?').waitFor();
  assert.match(await page.title(), /^\(\d+\) /, 'the tab title counts conversations waiting for my answer');
  await w.screenshot(page, 'console-en');

  const everyUrl = page.requested.join('\n');
  assert.ok(!everyUrl.includes(AGENTS.asha.token), 'the token never appears in a URL');
  for (const url of page.requested) {
    assert.ok(url.startsWith(w.front) || url.startsWith(w.front.replace('http', 'ws')), `${url} leaves the origin`);
  }
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + document.cookie);
  assert.ok(!stored.includes(AGENTS.asha.token), 'the token is not in localStorage or a script-readable cookie');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a reply reaches the provider, shows queued at once, and turns delivered when the provider reports it', async () => {
  await onlyAvailable('asha');
  const page = await w.page();
  await w.signIn(page, 'asha');
  await w.smsArrives('SMin000000000000000000000000000001', '+919876500001', 'నా రీఫండ్ ఎప్పుడు వస్తుంది?', 'Lakshmi');
  await conversations(page).getByText('Lakshmi').click();
  await transcript(page).getByText('నా రీఫండ్').waitFor();
  const sentBefore = w.twilio.sent.length;
  await page.getByLabel('Reply').fill('మీ రీఫండ్ ఈ రోజు వస్తుంది. Thank you!');
  await page.keyboard.press('Enter');
  const mine = transcript(page).locator('article', { hasText: 'మీ రీఫండ్ ఈ రోజు' });
  await mine.waitFor();
  const reached = await eventually(() => w.twilio.sent.length > sentBefore, 10000);
  assert.ok(reached, 'the reply reached the fake Twilio');
  const sent = w.twilio.sent.at(-1);
  assert.equal(sent.fields.Body, 'మీ రీఫండ్ ఈ రోజు వస్తుంది. Thank you!');
  assert.equal(sent.fields.To, '+919876500001');
  await mine.locator('[data-delivery="sent"]').waitFor();
  await w.smsStatus(sent.sid, 'delivered');
  await mine.locator('[data-delivery="delivered"]').waitFor();
  await page.context().close();
});

test('a note is in the transcript, marked, and never sent to the customer', async () => {
  await onlyAvailable('asha');
  const page = await w.page();
  await w.signIn(page, 'asha');
  await w.smsArrives('SMin000000000000000000000000000002', '+919876500002', 'Is my order shipped?', 'Farhan');
  await conversations(page).getByText('Farhan').click();
  const sentBefore = w.twilio.sent.length;
  const note = page.getByRole('button', { name: 'Note' });
  await note.click();
  assert.equal(await note.getAttribute('aria-pressed'), 'true');
  await page.getByLabel('Reply').fill('Customer is VIP — check with billing first');
  await page.getByRole('button', { name: 'Send' }).click();
  const shown = transcript(page).locator('article.note', { hasText: 'check with billing first' });
  await shown.waitFor();
  await shown.getByText('Private note').waitFor();
  const id = await eventually(async () => (await w.call(AGENTS.asha.token, 'GET', '/v1/agents/me/conversations')).body
    .conversations.find((c) => c.contact.name === 'Farhan')?.id);
  const view = await w.call(AGENTS.asha.token, 'GET', `/v1/conversations/${id}`);
  const stored = view.body.messages.find((m) => m.text.includes('billing first'));
  assert.equal(stored.kind, 'note');
  assert.equal(view.body.first_response_at, null, 'a note is never a first response');
  // A reply after it goes out; the provider then holds that reply alone (the note was never queued before it).
  await note.click();
  assert.equal(await note.getAttribute('aria-pressed'), 'false');
  await page.getByLabel('Reply').fill('Yes, it shipped today.');
  await page.getByRole('button', { name: 'Send' }).click();
  assert.ok(await eventually(() => w.twilio.sent.length > sentBefore, 10000), 'the reply reached the provider');
  assert.deepEqual(w.twilio.sent.slice(sentBefore).map((m) => m.fields.Body), ['Yes, it shipped today.']);
  await page.context().close();
});

test('"/" inserts the Telugu variant of a canned response for a Telugu conversation, placeholders filled', async () => {
  const created = await w.call(ADMIN, 'PUT', '/v1/canned_responses/refund', {
    shortcut: 'refund',
    variants: { en: 'Hello {contact.name}, your refund is on its way. — {agent.name}',
                te: 'నమస్తే {contact.name}, మీ రీఫండ్ దారిలో ఉంది. — {agent.name}' },
  });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  await onlyAvailable('asha');
  const page = await w.page();
  await w.signIn(page, 'asha');
  await w.customerWrites('te-1', 'cust-telugu', 'నమస్కారం, నా డబ్బులు తిరిగి ఎప్పుడు వస్తాయి? దయచేసి చెప్పండి', 'సీత');
  await conversations(page).getByText('సీత').click();
  await transcript(page).getByText('నా డబ్బులు').waitFor();
  const reply = page.getByLabel('Reply');
  await reply.fill('/ref');
  await page.getByRole('listbox', { name: 'Canned responses' }).getByText('/refund').waitFor();
  await reply.press('Enter');
  assert.equal(await reply.inputValue(), 'నమస్తే సీత, మీ రీఫండ్ దారిలో ఉంది. — Asha Rao');
  await page.context().close();
});

test('resolve: the conversation leaves the list', async () => {
  await onlyAvailable('asha');
  const page = await w.page();
  await w.signIn(page, 'asha');
  await w.customerWrites('res-1', 'cust-resolve', 'Thanks, all sorted!', 'Gopal');
  await conversations(page).getByText('Gopal').click();
  await page.getByRole('button', { name: 'Resolve' }).click();
  await conversations(page).getByText('Gopal').waitFor({ state: 'detached' });
  await page.context().close();
});

test('transfer to an agent with room: it leaves mine and appears live in theirs', async () => {
  await onlyAvailable('asha');
  await setStatus('ravi', 'available');
  const asha = await w.page();
  const ravi = await w.page();
  await w.signIn(asha, 'asha');
  await w.signIn(ravi, 'ravi');
  await onlyAvailable('asha');
  await w.customerWrites('tr-1', 'cust-transfer', 'I need help in English please', 'Harish');
  await conversations(asha).getByText('Harish').click();
  await setStatus('ravi', 'available');
  await asha.getByRole('button', { name: 'Transfer' }).click();
  await asha.getByRole('dialog').getByRole('button', { name: /Ravi Kumar/ }).click();
  await conversations(asha).getByText('Harish').waitFor({ state: 'detached' });
  await conversations(ravi).getByText('Harish').waitFor();
  await asha.context().close();
  await ravi.context().close();
});

test("an offer shows Accept and Reject; Accept makes it mine; an offer not answered expires", async () => {
  await onlyAvailable('tara');
  const page = await w.page();
  await w.signIn(page, 'tara');
  await w.customerWrites('of-1', 'cust-offer-1', 'OFFER please call me back', 'Nandini');
  const offers = page.getByRole('region', { name: 'Offers' });
  await offers.getByText('Nandini').waitFor();
  await offers.getByRole('button', { name: 'Accept' }).click();
  await conversations(page).getByText('Nandini').waitFor();
  await transcript(page).getByText('OFFER please call me back').waitFor();

  await w.customerWrites('of-2', 'cust-offer-2', 'OFFER second one', 'Prakash');
  await offers.getByText('Prakash').waitFor();
  assert.ok(await offers.getByRole('button', { name: 'Reject' }).isVisible());
  // Nobody answers: after offer_timeout the offer goes away on its own.
  await offers.getByText('Prakash').waitFor({ state: 'detached', timeout: 15000 });
  await page.context().close();
});

test('a network drop: nothing missed, nothing shown twice once it is back', async () => {
  await onlyAvailable('asha');
  const page = await w.page();
  await w.signIn(page, 'asha');
  await w.customerWrites('nd-1', 'cust-drop', 'first message', 'Drop Test');
  await conversations(page).getByText('Drop Test').click();
  await transcript(page).getByText('first message').waitFor();
  w.network.cut();
  await page.getByText('Reconnecting…').waitFor();
  await w.customerWrites('nd-2', 'cust-drop', 'second, while the agent was offline', 'Drop Test');
  await w.customerWrites('nd-3', 'cust-drop', 'third, while the agent was offline', 'Drop Test');
  w.network.restore();
  await transcript(page).getByText('third, while the agent was offline').waitFor({ timeout: 20000 });
  await page.getByText('Reconnecting…').waitFor({ state: 'detached' });
  // One more, live: it comes after everything replayed, so once it shows the replay is complete.
  await w.customerWrites('nd-4', 'cust-drop', 'fourth, once back', 'Drop Test');
  await transcript(page).getByText('fourth, once back').waitFor();
  for (const text of ['first message', 'second, while the agent was offline', 'third, while the agent was offline',
                      'fourth, once back']) {
    assert.equal(await transcript(page).getByText(text, { exact: true }).count(), 1, `"${text}" shown once`);
  }
  assert.equal(await conversations(page).getByText('Drop Test').count(), 1);
  await page.context().close();
});

test('two agents on one conversation see each other viewing it', async () => {
  for (const id of Object.keys(AGENTS)) await setStatus(id, 'away');  // it waits in the queue
  const asha = await w.page();
  const ravi = await w.page();
  await w.signIn(asha, 'asha');
  await w.signIn(ravi, 'ravi');
  await w.customerWrites('two-1', 'cust-two', 'Is anyone there?', 'Two Viewers');
  for (const p of [asha, ravi]) {
    await p.getByRole('tab', { name: /Waiting/ }).click();
    await conversations(p).getByText('Two Viewers').waitFor({ timeout: 20000 });
    await conversations(p).getByText('Two Viewers').click();
    await transcript(p).getByText('Is anyone there?').waitFor();
  }
  await asha.getByText('ravi is viewing').waitFor();
  await ravi.getByText('asha is viewing').waitFor();
  await asha.context().close();
  await ravi.context().close();
});

test('a hostile customer message shows as text, and runs nothing', async () => {
  await onlyAvailable('asha');
  const page = await w.page();
  let dialogs = 0;
  page.on('dialog', (d) => { dialogs += 1; d.dismiss(); });
  await w.signIn(page, 'asha');
  const hostile = '<script>alert(1)</script><img src=x onerror="alert(2)"> hello';
  await w.customerWrites('xss-1', 'cust-xss', hostile, '<b>Mallory</b>');
  await conversations(page).getByText('<b>Mallory</b>').click();
  await transcript(page).getByText(hostile).waitFor();
  assert.equal(await transcript(page).locator('img').count(), 0);
  assert.equal(await transcript(page).locator('script').count(), 0);
  assert.equal(dialogs, 0);
  await page.context().close();
});

test('in Telugu the controls speak Telugu, and the Language control keeps its name', async () => {
  await onlyAvailable('asha');
  const page = await w.page('te-IN', { language: null });
  await page.goto(w.front + '/');
  await page.getByLabel('టోకెన్').fill(AGENTS.asha.token);
  await page.getByRole('button', { name: 'సైన్ ఇన్ చేయండి' }).click();
  await page.getByRole('button', { name: 'సైన్ అవుట్ చేయండి' }).waitFor();
  await w.customerWrites('te-ui-1', 'cust-te-ui', 'నాకు సహాయం కావాలి', 'వెంకట్');
  const list = page.getByRole('list', { name: 'సంభాషణలు' });
  await list.getByText('వెంకట్').click();
  await page.getByRole('region', { name: 'సంభాషణ పాఠం' }).getByText('నాకు సహాయం కావాలి').waitFor();
  await page.getByLabel('జవాబు').waitFor();
  const language = page.getByLabel('Language');
  assert.equal(await language.inputValue(), 'te');
  await w.screenshot(page, 'console-te');
  await language.selectOption('hi');
  await page.getByRole('button', { name: 'भेजें' }).waitFor();
  await language.selectOption('en');
  await page.getByRole('button', { name: 'Send' }).waitFor();
  await page.context().close();
});

test('after a language switch, notifications speak the new language', async () => {
  await onlyAvailable('asha');
  const page = await w.page();
  // The browser's notifications, granted and recorded (what the agent would see in the system tray).
  await page.addInitScript(() => {
    window.notified = [];
    window.Notification = class {
      static permission = 'granted';
      static requestPermission() { return Promise.resolve('granted'); }
      constructor(title, options) { window.notified.push({ title, body: options?.body }); }
      close() {}
    };
  });
  await page.goto(w.front + '/');
  await page.getByLabel('Token').fill(AGENTS.asha.token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  await page.getByLabel('Language').selectOption('hi');
  await page.getByRole('button', { name: 'साइन आउट करें' }).waitFor();
  await w.customerWrites('lang-switch-1', 'cust-lang-switch', 'hello, anyone there?', 'Zoya Qureshi');
  const bodies = await eventually(async () => {
    const notified = await page.evaluate(() => window.notified.filter((n) => n.title === 'Zoya Qureshi'));
    return notified.length > 0 && notified.map((n) => n.body);
  });
  assert.ok(bodies, 'a notification came for the new conversation');
  assert.ok(bodies.includes('आपके जवाब की प्रतीक्षा'), `in Hindi, the language chosen after sign-in: ${bodies}`);
  await page.context().close();
});

test('signing out in one tab ends the other tab too: no more customer text reaches it', async () => {
  await onlyAvailable('asha');
  const page = await w.page();
  await w.signIn(page, 'asha');
  const other = await page.context().newPage();  // a second tab of the same browser: the same session cookie
  other.errors = [];
  other.on('pageerror', (e) => other.errors.push(String(e)));
  await other.goto(w.front + '/');
  await other.getByRole('button', { name: 'Sign out' }).waitFor();
  await w.customerWrites('so-1', 'cust-signout', 'first message', 'Two Tabs');
  await conversations(other).getByText('Two Tabs').click();
  await transcript(other).getByText('first message').waitFor();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('Token').waitFor();
  // The other tab's socket is closed by the server (1008) and the tab finds itself signed out.
  await other.getByLabel('Token').waitFor({ timeout: 10000 });
  await w.customerWrites('so-2', 'cust-signout', 'my card ends 4242', 'Two Tabs');
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(await other.getByText('my card ends 4242').count(), 0);
  await w.screenshot(other, 'console-signed-out-elsewhere');
  assert.deepEqual(other.errors, []);
  await page.context().close();
});

test("a customer's satisfaction score shows on the conversation they scored, from their next conversation's history", async () => {
  await onlyAvailable('asha');
  const phone = '+919800000055';
  await w.smsArrives('SMcsat00000000000000000000000000001', phone, 'मेरा पार्सल नहीं आया', 'Kavya');
  const first = await eventually(async () => {
    const mine = await w.call(AGENTS.asha.token, 'GET', '/v1/agents/me/conversations');
    return mine.body.conversations.find((c) => c.contact?.name === 'Kavya')?.id;
  });
  assert.ok(first, 'assigned to asha');
  assert.equal((await w.call(AGENTS.asha.token, 'POST', `/v1/conversations/${first}/messages`, { text: 'आज पहुँचेगा' })).status, 202);
  assert.equal((await w.call(AGENTS.asha.token, 'POST', `/v1/conversations/${first}/resolve`)).status, 200);
  assert.ok(await eventually(() => w.twilio.sent.some((s) => s.fields.To === phone && /1-5/.test(s.fields.Body))), 'survey sent');
  await w.smsArrives('SMcsat00000000000000000000000000002', phone, '५');  // 5, in Devanagari digits
  assert.ok(await eventually(async () => (await w.call(ADMIN, 'GET', `/v1/conversations/${first}`)).body.csat === 5));
  await w.smsArrives('SMcsat00000000000000000000000000003', phone, 'एक और सवाल है', 'Kavya');

  const page = await w.page();
  await w.signIn(page, 'asha');
  await conversations(page).getByText('Kavya').click();
  await transcript(page).getByText('एक और सवाल है').waitFor();
  await page.getByRole('complementary', { name: 'Contact' }).getByRole('button', { name: new RegExp(first) }).click();
  const score = page.getByLabel('Satisfaction (1–5)');
  await score.waitFor();
  assert.match(await score.textContent(), /★★★★★/);
  assert.match(await score.textContent(), /5\/5/);
  await w.screenshot(page, 'console-csat');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('cookie changes from another origin are refused', async () => {
  const page = await w.page();
  await w.signIn(page, 'asha');
  const cookies = await page.context().cookies();
  const session = cookies.find((c) => c.name === 'omniroute_session');
  assert.ok(session && session.httpOnly && session.sameSite === 'Strict');
  const res = await fetch(`${w.base}/v1/agents/me/status`, {
    method: 'PUT',
    headers: { Cookie: `omniroute_session=${session.value}`, Origin: 'https://evil.example', 'Content-Type': 'application/json' },
    body: JSON.stringify({ status: 'away' }),
  });
  assert.equal(res.status, 403);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('Token').waitFor();
  const after = await fetch(`${w.base}/v1/session`, { headers: { Cookie: `omniroute_session=${session.value}` } });
  assert.equal(after.status, 401, 'signed out: the old cookie names no one');
  await page.context().close();
});
