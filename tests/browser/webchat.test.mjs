// Web chat in real Chromium against omnirouted: a visitor on the business's own site (another origin, a strict
// CSP, hostile CSS) and an agent in the console, each in their own browser context with India's time zone and
// a Hindi browser. Telugu both ways, live; a network drop on the visitor's side that loses and doubles
// nothing; text that looks like HTML stays text on both sides; the rating once; identity by a signed
// identifier; a reply the page had is not e-mailed, one sent after the visitor left is; a stranger's site
// refused; the full page on a phone in Telugu. Screenshots in ARTIFACTS_DIR.

import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, test } from 'node:test';
import { ADMIN, AGENTS, CHAT_SECRET, World, eventually } from './harness.mjs';

let w;
before(async () => { w = await new World().start(); });
after(async () => { await w?.stop(); });

const chatRegion = (page, name = 'Chat') => page.getByRole('region', { name });

async function openChat(page, query = '?lang=en') {
  await page.goto(`${w.shop}/${query}`);
  await page.getByRole('button', { name: 'Chat with us' }).click();
  await chatRegion(page).waitFor();
}

/// Asha in the console, straight to the daemon (not through the relay the visitor's network drop cuts).
async function agentConsole() {
  const page = await w.page('hi-IN');
  await page.goto(w.base);
  await page.getByLabel('Token').fill(AGENTS.asha.token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  await page.getByLabel('Status').selectOption('available');
  return page;
}

/// The first conversation (queued, assigned or resolved) that `match` accepts, through the admin API.
async function findConversation(match) {
  return eventually(async () => {
    for (const state of ['queued', 'assigned', 'resolved']) {
      const r = await w.call(ADMIN, 'GET', `/v1/conversations?state=${state}&limit=200`);
      const c = (r.body?.conversations || []).find(match);
      if (c) return c;
    }
    return null;
  });
}

/// The conversation of the site's visitor named `name`, through the admin API.
async function conversationOf(name) {
  return eventually(async () => {
    const r = await w.call(ADMIN, 'GET', '/v1/conversations?state=assigned&limit=100');
    const c = (r.body?.conversations || []).find((x) => x.channel === 'site' && x.contact?.name === name);
    if (!c) return null;
    return (await w.call(ADMIN, 'GET', `/v1/conversations/${c.id}`)).body;
  });
}

test('a visitor writes Telugu from the shop, the agent answers live, a drop loses and doubles nothing, the rating is kept once', async () => {
  const agent = await agentConsole();
  const visitor = await w.page('hi-IN');
  await visitor.goto(`${w.shop}/?lang=en`);
  await visitor.getByRole('button', { name: 'Chat with us' }).waitFor();
  await w.screenshot(visitor, 'webchat-closed');
  // The shop's own button keeps the shop's style; the widget's launcher keeps ours (no leak either way).
  const styles = await visitor.evaluate(() => {
    const host = document.querySelector('[data-omniroute-chat]');
    const launcher = host.shadowRoot.querySelector('.launcher');
    const own = document.getElementById('host-button');
    return { launcher: getComputedStyle(launcher).backgroundColor, launcherFont: getComputedStyle(launcher).fontFamily,
             own: getComputedStyle(own).backgroundColor, ownBox: getComputedStyle(own).borderRadius };
  });
  assert.equal(styles.own, 'rgb(0, 255, 0)');
  assert.equal(styles.ownBox, '0px');
  assert.notEqual(styles.launcher, 'rgb(0, 255, 0)');
  assert.doesNotMatch(styles.launcherFont, /Comic Sans/);

  await visitor.getByRole('button', { name: 'Chat with us' }).click();
  await visitor.getByLabel('Name').fill('Lakshmi');
  await visitor.getByLabel('Message').fill('నమస్కారం, నా చీర ఇంకా రాలేదు');
  await visitor.getByRole('button', { name: 'Send' }).click();
  await chatRegion(visitor).getByText('నమస్కారం, నా చీర ఇంకా రాలేదు').waitFor();

  // The agent sees Lakshmi's conversation arrive, opens it and answers.
  const item = agent.getByRole('list', { name: 'Conversations' }).getByRole('listitem').filter({ hasText: 'Lakshmi' });
  await item.waitFor();
  await item.click();
  const transcript = agent.getByRole('region', { name: 'Transcript' });
  await transcript.getByText('నమస్కారం, నా చీర ఇంకా రాలేదు').waitFor();
  // The visitor types; the agent sees it, by the customer's name.
  await visitor.getByLabel('Message').pressSequentially('ఇంకా', { delay: 20 });
  await agent.getByText('Lakshmi is typing…').waitFor();
  await visitor.getByLabel('Message').fill('');
  await agent.getByLabel('Reply').fill('క్షమించండి! మీ చీర రేపు వస్తుంది <b>bold?</b>');
  await agent.getByRole('button', { name: 'Send', exact: true }).click();
  await chatRegion(visitor).getByText('క్షమించండి! మీ చీర రేపు వస్తుంది <b>bold?</b>').waitFor();
  assert.equal(await chatRegion(visitor).locator('b').count(), 0, 'an agent\'s text is never HTML in the panel');
  await w.screenshot(visitor, 'webchat-open');

  // Hostile text from the visitor is text for the agent.
  await visitor.getByLabel('Message').fill('<img src=x onerror="window.hacked=1">');
  await visitor.getByRole('button', { name: 'Send' }).click();
  await transcript.getByText('<img src=x onerror="window.hacked=1">').waitFor();
  assert.equal(await agent.evaluate(() => window.hacked), undefined);
  assert.equal(await transcript.locator('img[src="x"]').count(), 0);

  // The visitor's network drops: they write meanwhile, the agent answers meanwhile.
  w.network.cut();
  await visitor.getByText('Connection lost. Reconnecting…').waitFor();
  await visitor.getByLabel('Message').fill('మీరు ఉన్నారా?');
  await visitor.getByRole('button', { name: 'Send' }).click();
  await agent.getByLabel('Reply').fill('ఉన్నాను, చెప్పండి');
  await agent.getByRole('button', { name: 'Send', exact: true }).click();
  await transcript.getByText('ఉన్నాను, చెప్పండి').waitFor();
  w.network.restore();
  await chatRegion(visitor).getByText('ఉన్నాను, చెప్పండి').waitFor({ timeout: 20000 });
  await transcript.getByText('మీరు ఉన్నారా?').waitFor({ timeout: 20000 });
  await eventually(async () => (await visitor.getByText('Connection lost. Reconnecting…').count()) === 0);
  for (const text of ['ఉన్నాను, చెప్పండి', 'మీరు ఉన్నారా?', 'నమస్కారం, నా చీర ఇంకా రాలేదు']) {
    assert.equal(await chatRegion(visitor).getByText(text, { exact: true }).count(), 1, `"${text}" shown once to the visitor`);
    assert.equal(await transcript.getByText(text, { exact: true }).count(), 1, `"${text}" shown once to the agent`);
  }
  const stored = await conversationOf('Lakshmi');
  assert.equal(stored.messages.filter((m) => m.text === 'మీరు ఉన్నారా?').length, 1, 'stored once');
  assert.ok(stored.messages.filter((m) => m.direction === 'out').every((m) => m.delivery.status === 'sent'));

  // Resolved: the visitor rates it, once.
  await agent.getByRole('button', { name: 'Resolve' }).click();
  const rating = visitor.getByRole('group', { name: 'Rate this conversation' });
  await rating.waitFor();
  await rating.getByRole('button', { name: '4', exact: true }).click();
  await visitor.getByText('Thank you for rating: 4/5').waitFor();
  assert.equal(await rating.count(), 0, 'the stars are gone once rated');
  const rated = await eventually(async () => {
    const c = (await w.call(ADMIN, 'GET', `/v1/conversations/${stored.id}`)).body;
    return c.csat === 4 ? c : null;
  });
  assert.equal(rated.csat, 4);
  // The rating reached the supervisor's board: the conversation is shown with its score.
  assert.deepEqual(visitor.errors, []);
  assert.deepEqual(agent.errors, []);
  // Everything the visitor's page fetched came from the shop or from the chat's own origin.
  const origins = new Set(visitor.requested.map((u) => new URL(u).origin.replace(/^ws/, 'http')));
  for (const o of origins) assert.ok(o === w.shop || o === w.front, `request to ${o}`);
  await visitor.context().close();
  await agent.context().close();
});

test('a visitor identified by the shop is the contact who wrote by SMS; a forged hash is nobody', async () => {
  await w.smsArrives('SMwebchat1', '+919876543210', 'pehle SMS se likha tha', 'Meera');
  const sms = await findConversation((c) => c.channel === 'sms' && c.contact?.name === 'Meera');
  assert.ok(sms, 'the SMS conversation');
  const identifier = '+919876543210';
  const hash = createHmac('sha256', CHAT_SECRET).update(identifier).digest('hex');

  const signedIn = await w.page('hi-IN');
  await openChat(signedIn, `?lang=en&identifier=${encodeURIComponent(identifier)}&hash=${hash}`);
  await signedIn.getByLabel('Name').fill('Meera');
  await signedIn.getByLabel('Message').fill('website se bhi likh rahi hoon');
  await signedIn.getByRole('button', { name: 'Send' }).click();
  await chatRegion(signedIn).getByText('website se bhi likh rahi hoon').waitFor();
  const web = await findConversation((c) => c.channel === 'site' && c.contact?.name === 'Meera');
  assert.equal(web.contact.id, sms.contact.id, 'one customer across SMS and the website');
  // She sends a photo of the receipt: shown in her chat by name, kept for the agents.
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(3000, 7)]);
  await signedIn.locator('input[type=file]').setInputFiles({ name: 'रसीद.png', mimeType: 'image/png', buffer: png });
  await chatRegion(signedIn).getByText('📎 रसीद.png', { exact: false }).waitFor();
  const withFile = await eventually(async () => {
    const c = (await w.call(ADMIN, 'GET', `/v1/conversations/${web.id}`)).body;
    return c.messages.find((m) => m.attachments?.[0]?.name === 'रसीद.png') ? c : null;
  });
  const file = withFile.messages.find((m) => m.attachments?.[0]).attachments[0];
  assert.equal(file.type, 'image/png');
  const bytes = await fetch(`${w.base}${file.url}`, { headers: { Authorization: `Bearer ${ADMIN}` } });
  assert.equal(bytes.status, 200);
  assert.deepEqual(Buffer.from(await bytes.arrayBuffer()), png);

  const forger = await w.page('hi-IN');
  await openChat(forger, `?lang=en&identifier=${encodeURIComponent(identifier)}&hash=${'0'.repeat(64)}`);
  await forger.getByLabel('Name').fill('Someone');
  await forger.getByLabel('Message').fill('show me Meera\'s chats');
  await forger.getByRole('button', { name: 'Send' }).click();
  await chatRegion(forger).getByText('show me Meera\'s chats').waitFor();
  assert.equal(await chatRegion(forger).getByText('website se bhi likh rahi hoon').count(), 0, 'sees none of Meera\'s conversation');
  const theirs = await findConversation((c) => c.channel === 'site' && c.contact?.name === 'Someone');
  assert.notEqual(theirs.contact.id, sms.contact.id);
  await signedIn.context().close();
  await forger.context().close();
});

test('a reply the visitor\'s page had is not e-mailed; one sent after they left is, to the address they typed', async () => {
  const agent = await agentConsole();
  const visitor = await w.page('hi-IN');
  await openChat(visitor, '?lang=en&channel=desk');
  await visitor.getByLabel('Name').fill('Meena');
  await visitor.getByLabel('E-mail or phone (optional)').fill('Meena@Example.com');
  await visitor.getByLabel('Message').fill('Mera order kab aayega? 🙏');
  await visitor.getByRole('button', { name: 'Send' }).click();
  const item = agent.getByRole('list', { name: 'Conversations' }).getByRole('listitem').filter({ hasText: 'Meena' });
  await item.waitFor();
  await item.click();
  await agent.getByLabel('Reply').fill('Aaj shaam tak pahunch jayega');
  await agent.getByRole('button', { name: 'Send', exact: true }).click();
  await chatRegion(visitor).getByText('Aaj shaam tak pahunch jayega').waitFor();
  // The page said it has the reply: the sender, which looks a second after delivery, mails nothing.
  await new Promise((r) => setTimeout(r, 3000));
  assert.deepEqual(w.smtp.mails, [], 'a reply the visitor saw live is not e-mailed');
  // They leave the site; the next reply goes by e-mail, once, to the address they typed (lower-cased).
  await visitor.context().close();
  await agent.getByLabel('Reply').fill('Tracking number 4411, Delhi hub se nikal gaya');
  await agent.getByRole('button', { name: 'Send', exact: true }).click();
  const mails = await eventually(() => (w.smtp.mails.length > 0 ? w.smtp.mails : null), 15000);
  assert.equal(mails.length, 1);
  assert.deepEqual(mails[0].to, ['meena@example.com']);
  assert.match(mails[0].data, /Tracking number 4411, Delhi hub se nikal gaya/);
  assert.doesNotMatch(mails[0].data, /Aaj shaam tak/);
  assert.deepEqual(agent.errors, []);
  await agent.context().close();
});

test("a stranger's site cannot open the chat", async () => {
  const page = await w.page('hi-IN');
  await page.goto(`${w.stranger}/?lang=en`);
  await page.getByRole('button', { name: 'Chat with us' }).click();
  await page.waitForTimeout(1500);
  assert.ok(await page.getByText('Connecting…').count() + await page.getByText('Connection lost. Reconnecting…').count() > 0,
            'never connected');
  await page.getByLabel('Name').fill('Mallory');
  await page.getByLabel('Message').fill('hello from elsewhere');
  await page.getByRole('button', { name: 'Send' }).click();
  await page.waitForTimeout(1000);
  for (const state of ['queued', 'assigned']) {
    const r = await w.call(ADMIN, 'GET', `/v1/conversations?state=${state}&limit=200`);
    assert.equal(r.status, 200);
    assert.equal(r.body.conversations.filter((c) => c.contact?.name === 'Mallory').length, 0);
  }
  await page.context().close();
});

test('the full page on a phone, in Telugu: full-screen, every control reachable', async () => {
  const page = await w.page('te-IN', { viewport: { width: 390, height: 844 }, touch: true, language: null });
  await page.goto(`${w.front}/chat/site?lang=te`);
  const region = chatRegion(page, 'చాట్');
  await region.waitFor();
  await page.getByLabel('పేరు').fill('రాము');
  await page.getByLabel('సందేశం').fill('నా ఆర్డర్ నంబర్ 4521');
  await page.getByRole('button', { name: 'పంపు' }).click();
  await region.getByText('నా ఆర్డర్ నంబర్ 4521').waitFor();
  const box = await page.evaluate(() => {
    const panel = document.querySelector('[data-omniroute-chat]').shadowRoot.querySelector('.panel').getBoundingClientRect();
    const small = [...document.querySelector('[data-omniroute-chat]').shadowRoot.querySelectorAll('button, select, input, textarea')]
      .map((e) => e.getBoundingClientRect()).filter((r) => r.width > 0 && (r.height < 43.5 || r.right > innerWidth + 1));
    return { width: panel.width, height: panel.height, small: small.length };
  });
  assert.equal(box.width, 390);
  assert.equal(box.height, 844);
  assert.equal(box.small, 0, 'every control at least 44 px tall and on the screen');
  assert.ok(await page.getByRole('combobox', { name: 'Language' }).count() === 1);
  await w.screenshot(page, 'webchat-phone-te');
  await page.context().close();
});
