// bench/webchat.mjs: the widget in Debian's Chromium, on the harness's shop page (another origin, strict CSP):
// time from navigation to the launcher shown (the script fetched, run, drawn), and from a click on it to the
// chat connected (socket open, hello answered). R runs (default 3), every run and the median printed.
import { World } from '../tests/browser/harness.mjs';

const i = process.argv.indexOf('--runs');
const RUNS = i > 0 ? Number(process.argv[i + 1]) : 3;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const w = await new World().start();
try {
  const shown = [];
  const connected = [];
  for (let run = 1; run <= RUNS; run++) {
    const page = await w.page('hi-IN', { language: null });
    const start = Date.now();
    await page.goto(`${w.shop}/?lang=en`);
    await page.getByRole('button', { name: 'Chat with us' }).waitFor();
    shown.push(Date.now() - start);
    const open = Date.now();
    await page.getByRole('button', { name: 'Chat with us' }).click();
    await page.getByRole('region', { name: 'Chat' }).waitFor();
    await page.waitForFunction(() => {
      const status = document.querySelector('[data-omniroute-chat]')?.shadowRoot?.querySelector('.status');
      return status && status.hidden;
    });
    connected.push(Date.now() - open);
    console.log(`  run ${run}: launcher shown ${shown.at(-1)} ms after navigation; connected ${connected.at(-1)} ms after opening`);
    await page.context().close();
  }
  console.log(`widget in Chromium (median of ${RUNS}): launcher shown after ${median(shown)} ms; connected after ${median(connected)} ms`);
} finally {
  await w.stop();
}
