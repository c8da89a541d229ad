// The console and the board on a phone (390×844, touch, the Telugu interface in a te-IN browser), in real
// Chromium against omnirouted: one pane at a time with a way back, a header whose every control is on the
// screen, touch targets of at least 44 px, Reply in sight, nothing wider than the screen.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ADMIN, AGENTS, World, eventually } from './harness.mjs';
import { translator } from '../../console/i18n.js';

let w;
before(async () => { w = await new World().start(); });
after(async () => { await w?.stop(); });

const te = translator('te');
const PHONE = { viewport: { width: 390, height: 844 }, touch: true, language: 'te' };

/// What on the page a phone's user could not use: a visible control off the screen's sides or under
/// 44 px tall, or the page wider than the screen.
function problems(page) {
  return page.evaluate(() => {
    const out = [];
    for (const el of document.querySelectorAll('button, select, input, textarea, a.button')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;  // not shown
      const name = (el.getAttribute('aria-label') || el.textContent || el.name || el.type || '').trim().slice(0, 30);
      if (r.left < -1 || r.right > innerWidth + 1) out.push(`"${name}" runs off the screen (${Math.round(r.left)}–${Math.round(r.right)})`);
      if (r.height < 43.5) out.push(`"${name}" is ${Math.round(r.height)} px tall`);
    }
    if (document.documentElement.scrollWidth > innerWidth + 1) out.push(`the page is ${document.documentElement.scrollWidth} px wide`);
    return out;
  });
}

async function signIn(page, token, path) {
  await page.goto(w.front + path);
  await page.getByLabel(te('token')).fill(token);
  await page.getByRole('button', { name: te('signIn') }).click();
  await page.getByRole('button', { name: te('signOut') }).waitFor();
}

test('an agent answers on a phone: the list, then the conversation with Back, every control reachable', async () => {
  for (const id of Object.keys(AGENTS)) await w.setStatus(id, id === 'asha' ? 'available' : 'offline');
  await w.customerWrites('p-1', '+919848011111', 'నా ఆర్డర్ ఇంకా రాలేదు, దయచేసి చూడండి', 'Lakshmi Reddy');
  const conv = await eventually(async () => (await w.call(AGENTS.asha.token, 'GET', '/v1/agents/me/conversations'))
    .body?.conversations?.find((c) => c.contact?.name === 'Lakshmi Reddy')?.id);
  assert.ok(conv, 'routed to asha');

  const page = await w.page('te-IN', PHONE);
  await signIn(page, AGENTS.asha.token, '/');
  // The list fills the screen; the header's controls are all on it (Notifications, Language, Sign out).
  const item = page.getByRole('button', { name: /Lakshmi Reddy/ });
  await item.waitFor();
  for (const name of [te('notifications'), te('signOut')]) {
    const box = await page.getByRole('button', { name }).boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= 390, `${name} is on the screen: ${JSON.stringify(box)}`);
  }
  assert.deepEqual(await problems(page), []);
  await w.screenshot(page, 'phone-console-list-te');

  // The conversation takes the whole width; the list steps aside; Back brings it back.
  await item.click();
  const transcript = page.getByRole('region', { name: te('transcript') });
  await transcript.getByText('నా ఆర్డర్ ఇంకా రాలేదు, దయచేసి చూడండి').waitFor();
  const width = (await transcript.boundingBox()).width;
  assert.ok(width >= 350, `the transcript is ${width} px wide`);
  assert.equal(await item.isVisible(), false, 'the list is not squeezed beside it');
  const reply = page.getByRole('textbox', { name: te('reply') });
  const box = await reply.boundingBox();
  assert.ok(box && box.y + box.height <= 844, `the Reply box is in sight: ${JSON.stringify(box)}`);
  assert.deepEqual(await problems(page), []);
  await reply.fill('మీ ఆర్డర్ రేపు వస్తుంది 🙏');
  await page.getByRole('button', { name: te('send') }).click();
  await transcript.getByText('మీ ఆర్డర్ రేపు వస్తుంది 🙏').waitFor();
  await w.screenshot(page, 'phone-console-conversation-te');
  await page.getByRole('button', { name: te('back') }).click();
  await item.waitFor();
  assert.equal(await transcript.count(), 0, 'back on the list');
  assert.deepEqual(page.errors, []);
});

test('the board on a phone: one column, nothing wider than the screen, Sign out in reach', async () => {
  const page = await w.page('te-IN', PHONE);
  await signIn(page, ADMIN, '/board');
  await page.getByRole('table', { name: te('queues') }).waitFor();
  const out = await page.getByRole('button', { name: te('signOut') }).boundingBox();
  assert.ok(out && out.x + out.width <= 390, `Sign out is on the screen: ${JSON.stringify(out)}`);
  assert.deepEqual(await problems(page), []);
  await w.screenshot(page, 'phone-board-te');
  assert.deepEqual(page.errors, []);
});
