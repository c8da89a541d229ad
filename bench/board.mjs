// bench/board: the supervisor board with 1,000 agents and 10,000 waiting conversations, in Debian's
// Chromium against the real omnirouted and Redis:
//   - time from navigation to the board showing them (Queues: depth 10,000; Agents: 1,000 rows counted);
//   - while customers keep writing (25 messages/s) and agents change status, how busy the page's main
//     thread is (Chrome's own TaskDuration, as a share of wall time) and how long one re-read of the
//     admin API takes (the board batches events into at most two re-reads a second);
// each R times (default 3); prints every run and the median.
import { AGENTS, World } from '../tests/browser/harness.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const AGENT_COUNT = arg('--agents', 1000);
const WAITING = arg('--waiting', 10000);
const RUNS = arg('--runs', 3);
const LIVE_SECONDS = arg('--live-seconds', 10);
const ADMIN = 'admin-token-0123456789';
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const w = await new World().start({});
try {
  for (const id of Object.keys(AGENTS)) await w.setStatus(id, 'offline');
  let t = Date.now();
  for (let i = 0; i < AGENT_COUNT; i += 25) {
    await Promise.all(Array.from({ length: Math.min(25, AGENT_COUNT - i) }, (_, k) => {
      const n = String(i + k).padStart(4, '0');
      return w.call(ADMIN, 'POST', '/v1/agents', { id: `agent${n}`, name: `एजेंट ${n}`, capacity: { chat: 3 } });
    }));
  }
  console.log(`${AGENT_COUNT} agents added in ${Date.now() - t} ms`);
  t = Date.now();
  let written = 0;
  const write = async (i) => w.customerWrites(`wait-${i}`, `cust-wait-${i}`, `Order ${i}: कहाँ है? ఎక్కడ ఉంది?`, `Customer ${i}`);
  for (; written < WAITING; written += 50) await Promise.all(Array.from({ length: 50 }, (_, k) => write(written + k)));
  console.log(`${WAITING} conversations waiting after ${Date.now() - t} ms`);

  const api = [];
  const loads = [], busy = [];
  for (let run = 1; run <= RUNS; run++) {
    const page = await w.page();
    await w.signIn(page, 'admin', '/board');
    await page.close();
    const board = await page.context().newPage();
    const start = Date.now();
    await board.goto(w.front + '/board');
    const general = board.getByRole('table', { name: 'Queues' }).getByRole('row')
      .filter({ has: board.getByRole('rowheader', { name: 'general', exact: true }) });
    await general.getByRole('cell').first().filter({ hasText: /^\d{1,3}(,\d{2,3})+$/ }).waitFor({ timeout: 60000 });
    await board.locator(`table[aria-label="Agents"][aria-rowcount="${AGENT_COUNT + Object.keys(AGENTS).length + 1}"]`)
      .waitFor({ timeout: 60000 });
    const shown = Date.now() - start;
    loads.push(shown);
    const rows = await board.getByRole('table', { name: 'Agents' }).locator('tbody tr:not(.gap-rows)').count();

    // Live: customers write and agents change status; the board re-reads as it goes.
    const cdp = await board.context().newCDPSession(board);
    await cdp.send('Performance.enable');
    const task = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration').value;
    const before = await task();
    const liveStart = Date.now();
    let i = 0;
    while (Date.now() - liveStart < LIVE_SECONDS * 1000) {
      await write(`${run}-${written + i++}`);
      if (i % 10 === 0) await w.call(ADMIN, 'GET', '/v1/queues');
      await sleep(40);
    }
    const wall = (Date.now() - liveStart) / 1000;
    const share = ((await task()) - before) / wall;
    busy.push(share);
    for (let k = 0; k < 3; k++) {
      const t0 = Date.now();
      await Promise.all([w.call(ADMIN, 'GET', '/v1/queues'), w.call(ADMIN, 'GET', '/v1/agents'),
        w.call(ADMIN, 'GET', '/v1/sla?limit=200'), w.call(ADMIN, 'GET', '/v1/alerts?limit=30'),
        w.call(ADMIN, 'GET', '/v1/channels'), w.call(ADMIN, 'GET', '/v1/outbox/dead?limit=50')]);
      api.push(Date.now() - t0);
    }
    console.log(`run ${run}: board showing ${AGENT_COUNT} agents and ${WAITING}+ waiting after ${shown} ms ` +
                `(${rows} agent rows in the page); live for ${wall.toFixed(1)} s with ${i} new messages: ` +
                `main thread busy ${(share * 100).toFixed(1)}% of the time`);
    if (run === 1) await w.screenshot(board, 'board-1000-agents');
    await board.context().close();
  }
  console.log(`median of ${RUNS}: on screen in ${median(loads)} ms (runs ${loads.join(', ')}); main thread busy ` +
              `${(median(busy) * 100).toFixed(1)}% while live; one re-read of the admin API ${median(api)} ms ` +
              `(runs ${api.join(', ')})`);
} finally {
  await w.stop();
}
