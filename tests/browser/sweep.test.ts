/**
 * The sweep page (sweep --html) in Chromium: it draws a chart per plotted metric with a line per
 * ruleset and value of the other param, under its Content-Security-Policy, with no console error
 * and no request but the page itself.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { runCli } from '../cli/fakeIo.js';
import { describeInBrowser, launch, OUTPUT } from './chromium.js';

describeInBrowser('the sweep page in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  test('skipped_payout × epoch_reward on scenario 05 under deferred and v0.2.12: three charts of four lines', async () => {
    const files: Record<string, string> = {};
    const args = ['sweep', 'scenarios/05-punished-host-refund.yaml', '--param', 'skipped_payout=refund,governance', '--param', 'epoch_reward=1000gonka..3000gonka:1000gonka'];
    const r = await runCli([...args, '--rules', 'deferred,v0.2.12', '--metric', 'bank.gov', '--metric', 'bank.alice', '--metric', 'bank.h2', '--metric', 'steps[-1].status', '--csv', '--html', 'sweep.html'], { files });
    expect(r.code).toBe(0);
    mkdirSync(OUTPUT, { recursive: true });
    const path = resolve(OUTPUT, 'sweep-05.html');
    writeFileSync(path, files['sweep.html'] as string);
    const page = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (q) => {
      if (q.url() !== `file://${path}`) problems.push(`request: ${q.url()}`);
    });
    await page.goto(`file://${path}`);
    await page.waitForSelector('figure.sweep-chart canvas');
    const charts = await page.locator('figure.sweep-chart').evaluateAll((figs) =>
      figs.map((f) => ({
        caption: f.querySelector('figcaption')?.textContent,
        canvas: (f.querySelector('canvas')?.width ?? 0) > 0,
        legend: Array.from(f.querySelectorAll('.u-legend .u-series .u-label')).map((l) => l.textContent),
      })),
    );
    const lines = ['skipped_payout=refund · deferred', 'skipped_payout=refund · v0.2.12', 'skipped_payout=governance · deferred', 'skipped_payout=governance · v0.2.12'];
    expect(charts).toEqual(
      ['bank.gov', 'bank.alice', 'bank.h2'].map((m) => ({ caption: `${m} (gonka) against epoch_reward`, canvas: true, legend: ['epoch_reward', ...lines] })),
    );
    expect(await page.locator('#sweep-points tbody tr').count()).toBe(12);
    await page.screenshot({ path: resolve(OUTPUT, 'sweep-05.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);
});
