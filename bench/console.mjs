// bench/console: what the agent console costs a browser.
//   - first load: every byte the page fetches before it can be used (document, modules, styles), raw and
//     gzipped (as a compressing proxy would send it; omnirouted itself sends them uncompressed);
//   - time from navigation to an inbox showing N conversations (default 500), signed in, in Debian's Chromium;
// each measured R times (default 3) against the real omnirouted and Redis; prints every run and the median.
import { gzipSync } from 'node:zlib';
import { AGENTS, World } from '../tests/browser/harness.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const N = arg('--conversations', 500);
const RUNS = arg('--runs', 3);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const w = await new World().start({ capacity: N + 10 });
try {
  await w.call(AGENTS.asha.token, 'PUT', '/v1/agents/me/status', { status: 'available' });
  const writes = [];
  for (let i = 0; i < N; i++) {
    writes.push(w.customerWrites(`bench-${i}`, `cust-bench-${i}`, `Order ${i}: कहाँ है? ఎక్కడ ఉంది?`, `Customer ${i}`));
    if (writes.length >= 50) await Promise.all(writes.splice(0));
  }
  await Promise.all(writes);
  const mine = await w.call(AGENTS.asha.token, 'GET', '/v1/agents/me/conversations');
  if (mine.body.conversations.length !== N) throw new Error(`expected ${N} assigned, got ${mine.body.conversations.length}`);

  const loads = [];
  let bytes = null;
  for (let run = 1; run <= RUNS; run++) {
    const page = await w.page();
    const sizes = [];
    page.on('response', async (r) => {
      try { if (r.url().startsWith(w.front) && !r.url().includes('/v1/')) sizes.push(await r.body()); } catch { /* redirect or aborted */ }
    });
    await w.signIn(page, 'asha');
    await page.close();
    const again = await page.context().newPage();
    const start = Date.now();
    await again.goto(w.front + '/');
    await again.locator('[aria-label="Conversations"] > li.item').nth(N - 1).waitFor({ timeout: 60000 });
    const ms = Date.now() - start;
    loads.push(ms);
    if (!bytes) {
      const raw = sizes.reduce((a, b) => a + b.length, 0);
      const gz = sizes.reduce((a, b) => a + gzipSync(b, { level: 9 }).length, 0);
      bytes = { files: sizes.length, raw, gz };
    }
    console.log(`run ${run}: inbox showing ${N} conversations after ${ms} ms (navigation to last item rendered)`);
    await again.context().close();
  }
  console.log(`first load: ${bytes.files} files, ${(bytes.raw / 1024).toFixed(1)} KB raw, ${(bytes.gz / 1024).toFixed(1)} KB gzipped`);
  console.log(`median of ${RUNS}: ${median(loads)} ms to show ${N} conversations (runs ${loads.join(', ')} ms)`);
} finally {
  await w.stop();
}
