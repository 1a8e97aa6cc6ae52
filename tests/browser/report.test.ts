/**
 * `epochsim report` pages in a real browser (headless Chromium, see chromium.ts): they load from
 * file:// with no console error and no request; the timeline has one row per step; selecting a
 * step (by click or by arrow key) shows exactly the state of `run --json` after that step — bank,
 * ledgers, settle amounts, escrows, vesting, epoch — and the holdings the engine computes; the
 * charts and the coin-flow diagram render and agree with the same state; several rulesets stand
 * side by side with the first divergence marked; a hostile scenario stays text; a long scenario
 * pages its timeline and still reaches its last step. Screenshots go to test-output/.
 *
 * EPOCHSIM_UPDATE_SCREENSHOT=1 also writes docs/images/report-03.png, the README's picture.
 */
import { jest } from '@jest/globals';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { formatGonka, groupDigits } from '../../src/domain/money.js';
import type { RuleName, Scenario } from '../../src/domain/scenario.js';
import { runToJson } from '../../src/engine/replay/json.js';
import { runScenario } from '../../src/engine/replay/run.js';
import { holdingsOf } from '../../src/engine/storage/queries.js';
import { INFERENCE_MODULE, VESTING_MODULE } from '../../src/engine/storage/state.js';
import { loadScenario } from '../../src/scenario/load.js';
import { runCli } from '../cli/fakeIo.js';
import { describeInBrowser, launch, OUTPUT } from './chromium.js';

jest.setTimeout(180_000);

const load = (path: string, text = readFileSync(path, 'utf8')): Scenario => {
  const loaded = loadScenario(text, path);
  if (!loaded.ok) throw new Error(`${path} does not load`);
  return loaded.scenario;
};

/** Writes the page of `args` (via the CLI, in-process) under test-output/ and returns its path. */
async function writePage(name: string, args: string[], files: Record<string, string> = {}): Promise<string> {
  const r = await runCli(['report', ...args, '-o', '-'], { files });
  expect(r.stderr).toBe('');
  expect([0, 1]).toContain(r.code);
  mkdirSync(OUTPUT, { recursive: true });
  const path = resolve(OUTPUT, `${name}.html`);
  writeFileSync(path, r.stdout);
  return path;
}

interface Opened {
  readonly page: Page;
  /** Console errors and warnings, page errors, requests for anything but the page, dialogs. */
  readonly problems: string[];
}

async function open(browser: Browser, path: string, step?: number, height = 1000): Promise<Opened> {
  const page = await browser.newPage({ viewport: { width: 1400, height } });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    if (r.url().split('#')[0] !== `file://${path}`) problems.push(`request: ${r.url()}`);
  });
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  await page.goto(`file://${path}${step === undefined ? '' : `#step=${step}`}`);
  await page.waitForSelector('#timeline tr.step');
  return { page, problems };
}

/** `run --json` after the first `count` items of `scenario`: the file cut after that step. */
function jsonAfter(scenario: Scenario, count: number, rules: RuleName | undefined): Record<string, unknown> {
  return runToJson(runScenario({ ...scenario, items: scenario.items.slice(0, count) }, { rules })) as Record<string, unknown>;
}

interface Shown {
  readonly selected: string[];
  readonly epoch: string;
  readonly tables: Record<string, [string, Record<string, string>, Record<string, string>][]>;
}

/** What the state pane shows for `rules`: each table's rows, with each cell's exact value and text. */
function shown(page: Page, rules: string): Promise<Shown> {
  return page.evaluate((r) => {
    const section = document.querySelector(`#state .run-state[data-rules="${r}"]`) as HTMLElement;
    const tables: Record<string, [string, Record<string, string>, Record<string, string>][]> = {};
    for (const table of Array.from(section.querySelectorAll<HTMLTableElement>('table[data-table]'))) {
      tables[table.dataset['table'] as string] = Array.from(table.querySelectorAll<HTMLTableRowElement>('tbody tr')).map((tr) => {
        const cells = Array.from(tr.querySelectorAll<HTMLElement>('td[data-field]'));
        return [
          tr.dataset['key'] as string,
          Object.fromEntries(cells.map((td) => [td.dataset['field'], td.dataset['value']])),
          Object.fromEntries(cells.map((td) => [td.dataset['field'], (td.textContent ?? '').replace(' ≠', '')])),
        ];
      });
    }
    const selected = Array.from(document.querySelectorAll('#timeline tr[aria-selected="true"]')).map((tr) => (tr as HTMLElement).dataset['position'] as string);
    return { selected, epoch: section.querySelector('.epoch')?.textContent ?? '', tables };
  }, rules);
}

const byKey = <T>(rows: [string, Record<string, string>, Record<string, string>][], f: (v: Record<string, string>, text: Record<string, string>) => T): Record<string, T> =>
  Object.fromEntries(rows.map(([key, values, text]) => [key, f(values, text)]));

/** Checks the pane against `run --json` after step `n` and the engine's holdings then. */
async function expectStateOf(page: Page, scenario: Scenario, n: number, rules: RuleName): Promise<void> {
  const json = jsonAfter(scenario, n, rules);
  const s = await shown(page, rules);
  expect(s.selected).toEqual([String(n - 1)]);
  const t = s.tables;
  // the bank: exact values, and the grouped digits and gonka the page writes
  expect(byKey(t['bank'] ?? [], (v) => v['bank'])).toEqual(json['bank']);
  expect(byKey(t['bank'] ?? [], (_v, text) => [text['bank'], text['gonka']])).toEqual(
    Object.fromEntries(Object.entries(json['bank'] as Record<string, string>).map(([k, v]) => [k, [groupDigits(BigInt(v)), formatGonka(BigInt(v))]])),
  );
  expect(
    byKey(t['ledgers'] ?? [], (v) => ({
      coin_balance: v['coin_balance'],
      earned_coins: v['earned_coins'],
      inference_count: Number(v['inference_count']),
      invalidated_inferences: Number(v['invalidated_inferences']),
      missed_requests: Number(v['missed_requests']),
      status: v['status'],
      weight: v['weight'],
    })),
  ).toEqual(json['participants']);
  const settle = (t['settle'] ?? []).filter(([, v]) => v['settle'] !== 'null');
  expect(byKey(settle, (v) => ({ epoch: Number(v['epoch']), reward_coins: v['reward_coins'], work_coins: v['work_coins'] }))).toEqual(json['settle_amounts']);
  const escrows = (t['escrows'] ?? []).filter(([, v]) => v['creator'] !== undefined && v['amount'] !== undefined);
  expect(
    byKey(escrows, (v) => ({ amount: v['amount'], creator: v['creator'], epoch: Number(v['epoch']), settled: v['settled'] === 'true', slots: (v['slots'] ?? '').split(',') })),
  ).toEqual(json['escrows']);
  if (json['vesting'] !== undefined) expect(byKey(t['vesting'] ?? [], (v) => (v['vesting'] ?? '').split(','))).toEqual(json['vesting']);
  const epoch = json['epoch'] as { effective: number; ended: number[] };
  const last = epoch.ended[epoch.ended.length - 1];
  const state = epoch.effective === 0 ? ' (genesis)' : last === epoch.effective ? ' (ended; the next has not started)' : ' (running)';
  expect(s.epoch).toBe(`Epoch ${epoch.effective}${state} · epochs ended: ${epoch.ended.length > 0 ? epoch.ended.join(', ') : 'none'}`);
  // the holdings, as the engine computes them
  const run = runScenario({ ...scenario, items: scenario.items.slice(0, n) }, { rules });
  const holdings = holdingsOf(run.final, run.world);
  const expected: Record<string, string[]> = {};
  for (const [name, h] of holdings) {
    if (name === INFERENCE_MODULE || name === VESTING_MODULE) continue;
    expected[name] = [h.liquid, h.owed, h.claimable, h.escrowed, ...(run.world.vestingIndex >= 0 ? [h.vesting] : []), h.total].map(String);
  }
  expect(byKey(t['holdings'] ?? [], (v) => ['liquid', 'owed', 'claimable', 'escrowed', ...(run.world.vestingIndex >= 0 ? ['vesting'] : []), 'total'].map((b) => v[b] as string))).toEqual(expected);
}

/** The flow diagram's nodes of `rules` (label → signed ngonka). */
function flowNodes(page: Page, rules: string): Promise<Record<string, string>> {
  return page.evaluate(
    (r) =>
      Object.fromEntries(
        Array.from(document.querySelectorAll<SVGGElement>(`#flow .run-flow[data-rules="${r}"] svg g.node`)).map((g) => [g.dataset['label'], g.dataset['amount']]),
      ),
    rules,
  );
}

/** What step `n` moved, from the engine's holdings before and after it (and the mint). */
function expectedFlows(scenario: Scenario, n: number, rules: RuleName): Record<string, string> {
  const before = runScenario({ ...scenario, items: scenario.items.slice(0, n - 1) }, { rules });
  const after = runScenario({ ...scenario, items: scenario.items.slice(0, n) }, { rules });
  const out: Record<string, string> = {};
  const was = holdingsOf(before.final, before.world);
  let net = 0n;
  for (const [name, h] of holdingsOf(after.final, after.world)) {
    if (name === INFERENCE_MODULE || name === VESTING_MODULE) continue;
    const old = was.get(name);
    for (const bucket of ['liquid', 'owed', 'claimable', 'escrowed', 'vesting'] as const) {
      const delta = h[bucket] - (old?.[bucket] ?? 0n);
      if (delta !== 0n) out[`${name} · ${bucket}`] = String(delta);
      net += delta;
    }
  }
  const minted = after.final.minted - before.final.minted;
  if (minted !== 0n) out['minted (new coins)'] = String(-minted);
  // what the step left in (or took from) the inference module with no owner: a known divergence
  if (net !== minted) out['inference module, no owner'] = String(minted - net);
  return out;
}

/**
 * The charts' pixels are not all blank, and each chart's legend gives the holdings after step `n`
 * — or, in a chart thinned out to one point per `stride` steps, after the last step of its point.
 */
async function expectCharts(page: Page, scenario: Scenario, selected: number, rules: RuleName, stride = 1): Promise<void> {
  const n = selected === scenario.items.length ? selected : Math.floor(selected / stride) * stride;
  const charts = await page.evaluate((r) => {
    return Array.from(document.querySelectorAll<HTMLElement>(`#charts figure.chart[data-rules="${r}"]`)).map((figure) => {
      const canvas = figure.querySelector('canvas') as HTMLCanvasElement;
      const pixels = (canvas.getContext('2d') as CanvasRenderingContext2D).getImageData(0, 0, canvas.width, canvas.height).data;
      let inked = 0;
      for (let i = 3; i < pixels.length; i += 4) if ((pixels[i] as number) > 0) inked++;
      const legend = Object.fromEntries(
        Array.from(figure.querySelectorAll('.u-legend .u-series')).map((row) => [row.querySelector('.u-label')?.textContent ?? '', row.querySelector('.u-value')?.textContent ?? '']),
      );
      return { account: figure.dataset['account'] as string, inked, legend };
    });
  }, rules);
  const run = runScenario({ ...scenario, items: scenario.items.slice(0, n) }, { rules });
  const holdings = holdingsOf(run.final, run.world);
  const accounts = run.world.accounts.filter((a) => a !== INFERENCE_MODULE && a !== VESTING_MODULE);
  expect(charts.map((c) => c.account)).toEqual(accounts);
  for (const c of charts) {
    expect(c.inked).toBeGreaterThan(1000);
    const h = holdings.get(c.account);
    const gonka = (v: bigint | undefined): string => String(Number(v ?? 0n) / 1e9);
    expect(c.legend).toEqual({
      step: String(n),
      ...(run.world.vestingIndex >= 0 ? { vesting: gonka(h?.vesting) } : {}),
      escrowed: gonka(h?.escrowed),
      claimable: gonka(h?.claimable),
      owed: gonka(h?.owed),
      liquid: gonka(h?.liquid),
    });
  }
}

const selectedPosition = async (page: Page): Promise<string[]> =>
  page.evaluate(() => Array.from(document.querySelectorAll('#timeline tr[aria-selected="true"]')).map((tr) => (tr as HTMLElement).dataset['position'] as string));

describeInBrowser('report pages in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  test.each([
    ['03', 'scenarios/03-cross-epoch-unclaimed.yaml', 5],
    ['11', 'scenarios/11-claim-mistakes.yaml', 3],
    ['17', 'scenarios/17-pr1000-trapped-payout.yaml', 5],
    ['22', 'scenarios/22-validation-sharing-and-debt.yaml', 6],
    ['25', 'scenarios/25-vesting.yaml', 8],
  ])('scenario %s: every step, clicked or reached by arrow key, shows the state of run --json after it', async (name, path, shot) => {
    const scenario = load(path);
    const rules = scenario.rules ?? 'deferred';
    const file = await writePage(`report-${name}`, [path]);
    const { page, problems } = await open(browser, file);
    const count = scenario.items.length;
    expect(await page.locator('#timeline tr.step').count()).toBe(count);
    // the header: name, verdict, invariants
    expect(await page.locator('h1').textContent()).toBe(scenario.name);
    expect(await page.locator('.run-summary .invariants').textContent()).toContain('supply   ✓');
    // step 1 first; then by keyboard, one step at a time, to the end
    await page.locator('#timeline tr.step').first().click();
    for (let n = 1; n <= count; n++) {
      if (n > 1) await page.keyboard.press('ArrowDown');
      await expectStateOf(page, scenario, n, rules);
      expect(await flowNodes(page, rules)).toEqual(expectedFlows(scenario, n, rules));
    }
    await page.keyboard.press('Home');
    expect(await selectedPosition(page)).toEqual(['0']);
    await page.keyboard.press('End');
    expect(await selectedPosition(page)).toEqual([String(count - 1)]);
    // a click on a row, then the charts and the explanation of that step
    await page.locator(`#timeline tr.step[data-position="${shot - 1}"]`).click();
    await expectStateOf(page, scenario, shot, rules);
    await expectCharts(page, scenario, shot, rules);
    expect(await page.locator('#flow svg.flow').first().evaluate((svg) => svg.childElementCount)).toBeGreaterThan(1);
    expect(await page.locator('#explain pre.explain').textContent()).toMatch(new RegExp(`^── Step ${shot} · line \\d+ · `));
    await page.screenshot({ path: resolve(OUTPUT, `report-${name}.png`), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  test('scenario 03, for the README: the settlement credits the ledgers at step 5, the claims make the coins liquid', async () => {
    const path = 'scenarios/03-cross-epoch-unclaimed.yaml';
    const file = await writePage('report-03-readme', [path]);
    const { page, problems } = await open(browser, file, 5, 1350);
    const s = await shown(page, 'deferred');
    expect(s.selected).toEqual(['4']);
    // step 5: the hosts' settle amounts grow (claimable), no coin reaches their bank
    expect(await flowNodes(page, 'deferred')).toEqual({
      'alice · escrowed': '-5000000000',
      'alice · liquid': '4400000000',
      'h1 · claimable': '400000000',
      'h2 · claimable': '200000000',
    });
    expect(byKey(s.tables['holdings'] ?? [], (v) => [v['liquid'], v['claimable']])).toEqual({
      gov: ['0', '0'],
      alice: ['19400000000', '0'],
      h1: ['0', '500400000000'],
      h2: ['0', '500200000000'],
    });
    // step 7: h1's claim turns its claimable coins liquid
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await flowNodes(page, 'deferred')).toEqual({ 'h1 · claimable': '-500400000000', 'h1 · liquid': '500400000000' });
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    await page.screenshot({ path: resolve(OUTPUT, 'report-03-readme.png'), fullPage: false });
    if (process.env['EPOCHSIM_UPDATE_SCREENSHOT'] === '1') copyFileSync(resolve(OUTPUT, 'report-03-readme.png'), 'docs/images/report-03.png');
    expect(problems).toEqual([]);
    await page.close();
  });

  test.each([
    ['05', 'scenarios/05-punished-host-refund.yaml', ['deferred', 'immediate']],
    ['20', 'scenarios/20-one-story-six-versions.yaml', ['v0.2.11', 'pr-1000', 'newest']],
  ] as [string, string, RuleName[]][])('scenario %s under several rulesets: side by side, the first divergence marked', async (name, path, rules) => {
    const scenario = load(path);
    const file = await writePage(`report-${name}-compare`, [path, '--rules', rules.join(',')]);
    const { page, problems } = await open(browser, file);
    const count = scenario.items.length;
    expect(await page.locator('#timeline tr.step').count()).toBe(count);
    // the page opens on the first divergence, marked in the timeline
    const badge = page.locator('#timeline tr.step .badge');
    expect(await badge.count()).toBe(1);
    const at = Number(await badge.locator('xpath=ancestor::tr').getAttribute('data-position'));
    expect(await selectedPosition(page)).toEqual([String(at)]);
    for (const n of [1, at + 1, count]) {
      await page.locator(`#timeline tr.step[data-position="${n - 1}"]`).click();
      for (const r of rules) {
        await expectStateOf(page, scenario, n, r);
        expect(await flowNodes(page, r)).toEqual(expectedFlows(scenario, n, r));
      }
    }
    // after the last step something differs between the rulesets, and it is marked
    expect(await page.locator('#state td.differs').count()).toBeGreaterThan(0);
    expect(await page.locator('#final-holdings td.differs').count()).toBeGreaterThan(0);
    await expectCharts(page, scenario, count, rules[0] as RuleName);
    await page.screenshot({ path: resolve(OUTPUT, `report-${name}-compare.png`), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  test('a hostile scenario: no script of its own runs, its text shows escaped', async () => {
    const evil = [
      'name: "</script><script>alert(1)</script><img src=x onerror=alert(2)>\\e[31m"',
      'description: "<b>not bold</b> \\u202e"',
      'accounts: { alice: 20 gonka }',
      'participants: { h1: { weight: 100 } }',
      'events:',
      '  - start_epoch: {}',
      '    note: "</script><script>alert(3)</script>"',
      '',
    ].join('\n');
    const file = await writePage('report-hostile', ['evil.yaml'], { 'evil.yaml': evil });
    const { page, problems } = await open(browser, file);
    expect(await page.locator('h1').textContent()).toBe('</script><script>alert(1)</script><img src=x onerror=alert(2)>\\u001b[31m');
    expect(await page.locator('.description').textContent()).toBe('<b>not bold</b> \\u202e');
    expect(await page.locator('#timeline .note').first().textContent()).toBe('note: </script><script>alert(3)</script>');
    expect(await page.locator('img').count()).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });

  test('a long scenario: the timeline is paged, the charts thinned out, and the last step is the run --json state', async () => {
    const events = 20_000;
    const lines = ['name: long', 'accounts: { alice: 1000000 gonka, bob: 0 }', 'participants: { h1: { weight: 100 }, h2: { weight: 100 } }', 'events:', '  - start_epoch'];
    for (let i = 1; lines.length - 4 < events; i++) {
      lines.push(i % 500 === 0 ? '  - end_epoch\n  - start_epoch' : `  - transfer: { from: ${i % 3 === 0 ? 'bob' : 'alice'}, to: ${i % 3 === 0 ? 'alice' : 'bob'}, amount: ${i % 7} gonka }`);
    }
    const text = `${lines.join('\n')}\n`;
    const scenario = load('long.yaml', text);
    const file = await writePage('report-long', ['long.yaml'], { 'long.yaml': text });
    const { page, problems } = await open(browser, file);
    expect(await page.locator('#timeline tr.step').count()).toBe(100);
    expect(await page.locator('.pager span').textContent()).toBe(`steps 1–100 of ${scenario.items.length}`);
    await page.locator('#timeline tr.step').first().click();
    await page.keyboard.press('End');
    expect(await page.locator('.pager span').textContent()).toMatch(new RegExp(`^steps \\d+–${scenario.items.length} of ${scenario.items.length}$`));
    await expectStateOf(page, scenario, scenario.items.length, 'deferred');
    await page.keyboard.press('PageUp');
    expect(await selectedPosition(page)).toEqual([String(scenario.items.length - 101)]);
    await expectStateOf(page, scenario, scenario.items.length - 100, 'deferred');
    // at most 1 500 points a chart
    const stride = Math.ceil(scenario.items.length / 1500);
    expect(await page.locator('#charts .note').first().textContent()).toContain(`One point per ${stride} steps`);
    await expectCharts(page, scenario, scenario.items.length - 100, 'deferred', stride);
    expect(problems).toEqual([]);
    await page.close();
  });
});
