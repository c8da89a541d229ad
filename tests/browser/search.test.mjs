// Search in the console and on the board, in real Chromium against omnirouted with its history in a real
// PostgreSQL (CONTRACT.md "History and search"): a field and a button named "Search", Ctrl+K, a list named
// "Search results", choosing a result opens its conversation. Customers' Hindi is found from Latin letters.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ADMIN, AGENTS, World, eventually } from './harness.mjs';

let w;
before(async () => { w = await new World().start({ history: true }); });
after(async () => { await w?.stop(); });

const results = (page) => page.getByRole('list', { name: 'Search results' });
const transcript = (page) => page.getByRole('region', { name: 'Transcript' });

/// Waits until the archive has the message: search reads the history, seconds behind Redis.
async function archived(token, q, id) {
  const found = await eventually(async () => {
    const r = await w.call(token, 'GET', `/v1/search?q=${encodeURIComponent(q)}&type=conversation`);
    return r.status === 200 && r.body.results.some((x) => x.id === id);
  }, 20000);
  assert.ok(found, `the history finds ${id} for "${q}"`);
}

async function onlyAvailable(agent) {
  for (const id of Object.keys(AGENTS)) await w.setStatus(id, id === agent ? 'available' : 'offline');
}

test("an agent finds last month's Hindi message from Latin letters, with Ctrl+K, and opens it", async () => {
  await onlyAvailable('asha');
  await w.customerWrites('s-1', '+919848022338', 'रिफंड कब आएगा? ऑर्डर 4521 अभी तक नहीं आया', 'Meena Iyer');
  const meena = await eventually(async () => (await w.call(AGENTS.asha.token, 'GET', '/v1/agents/me/conversations'))
    .body?.conversations?.[0]?.id);
  assert.ok(meena, 'routed to asha');
  assert.equal((await w.call(AGENTS.asha.token, 'POST', `/v1/conversations/${meena}/resolve`)).status, 200);
  await archived(AGENTS.asha.token, 'refund kab aayega', meena);

  const page = await w.page();
  await w.signIn(page, 'asha');
  await page.keyboard.press('Control+k');
  const field = page.getByRole('searchbox', { name: 'Search' });
  assert.ok(await field.evaluate((el) => el === document.activeElement), 'Ctrl+K puts the cursor in the Search field');
  await field.fill('refund kab aayega');
  await page.getByRole('button', { name: 'Search' }).click();
  const hit = results(page).getByRole('button', { name: /Meena Iyer/ });
  await hit.waitFor();
  assert.deepEqual(await results(page).locator('mark').allTextContents(), ['रिफंड', 'कब', 'आएगा'],
                   'the Hindi words the Latin query matched are marked');
  await w.screenshot(page, 'console-search');
  await hit.click();
  await transcript(page).getByText('रिफंड कब आएगा? ऑर्डर 4521 अभी तक नहीं आया').waitFor();
  assert.equal(await results(page).count(), 0, 'the results close once one is chosen');

  // A typo and the phone number in another format find the same person.
  await field.fill('refnd kab ayega');
  await field.press('Enter');
  await results(page).getByRole('button', { name: /Meena Iyer/ }).first().waitFor();
  await field.fill('98480 22338');
  await field.press('Enter');
  await results(page).getByText('Contact').first().waitFor();
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('another agent finds nothing they may not read, and is told so', async () => {
  const page = await w.page();
  await w.signIn(page, 'ravi');
  await page.getByRole('searchbox', { name: 'Search' }).fill('refund kab aayega');
  await page.getByRole('button', { name: 'Search' }).click();
  await results(page).getByText('Nothing found').waitFor();
  assert.equal(await results(page).getByRole('button').count(), 0);
  await page.context().close();
});

test('on the board the admin finds a contact by phone and reads their conversation (Telugu interface)', async () => {
  const page = await w.page('te-IN');
  await w.signIn(page, 'admin', '/board');
  await page.getByLabel('Language').selectOption('te');
  await page.getByRole('searchbox', { name: 'వెతుకు' }).fill('+91 98480-22338');
  await page.getByRole('button', { name: 'వెతుకు' }).click();
  const hit = page.getByRole('list', { name: 'వెతుకులాట ఫలితాలు' }).getByRole('button', { name: /Meena Iyer/ }).first();
  await hit.waitFor();
  await w.screenshot(page, 'board-search-te');
  await hit.click();
  await page.getByRole('complementary').getByText('रिफंड कब आएगा? ऑर्डर 4521 अभी तक नहीं आया').waitFor();
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("the admin's contact directory lists, finds, opens and erases a person", async () => {
  await w.customerWrites('s-9', '+919700000009', 'चाय वाली बात SECRET-NINE', 'Zoya Khan');
  await eventually(async () => (await w.call(ADMIN, 'GET', '/v1/contacts?limit=50')).body?.contacts
    ?.some((c) => c.name === 'Zoya Khan'), 20000);
  const page = await w.page();
  await w.signIn(page, 'admin', '/board');
  const directory = page.getByRole('region', { name: 'Contacts' });
  const people = directory.getByRole('list', { name: 'Contacts' });
  await people.getByRole('button', { name: 'Zoya Khan' }).waitFor();
  await people.getByRole('button', { name: 'Meena Iyer' }).waitFor();
  // Found by phone written another way, then opened: handles and conversations.
  await directory.getByLabel('Find a contact').fill('97000 00009');
  await eventually(async () => (await people.getByRole('button').count()) === 1);
  await people.getByRole('button', { name: 'Zoya Khan' }).click();
  const card = directory.getByLabel('Contact', { exact: true });
  await card.getByText('+919700000009').waitFor();
  await directory.scrollIntoViewIfNeeded();
  await w.screenshot(page, 'board-contacts');
  const conversation = card.getByRole('button', { name: /^v\d+$/ }).first();
  await conversation.click();
  await page.getByRole('complementary').getByText('चाय वाली बात SECRET-NINE').waitFor();
  await page.getByRole('complementary').getByRole('button', { name: 'Close' }).click();
  // Erased, after the admin confirms: gone from the directory and from the API.
  page.once('dialog', (d) => d.accept());
  await card.getByRole('button', { name: 'Erase' }).click();
  await directory.getByText('Nothing found').waitFor();
  const id = (await w.call(ADMIN, 'GET', `/v1/search?q=${encodeURIComponent('SECRET-NINE')}`)).body.results;
  assert.deepEqual(id, [], 'nothing of her is found any more');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
