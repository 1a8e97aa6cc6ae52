/**
 * The HTML page of a sweep (`sweep --html`, `report --sweep`): its embedded data is the sweep's
 * values (a chart per metric against the last integer param, a line per ruleset and per value of
 * the other params, amounts in gonka, failed points as gaps), it is self-contained, and both
 * commands write the same bytes. Bad input: exit 2, nothing written.
 */
import { createHash } from 'node:crypto';
import { runCli } from '../cli/fakeIo.js';
import type { SweepPlotData } from '../../src/cli/render/page/sweepFormat.js';

const S05 = 'scenarios/05-punished-host-refund.yaml';
const GRID = [S05, '--param', 'skipped_payout=refund,governance', '--param', 'epoch_reward=1000gonka..3000gonka:1000gonka', '--rules', 'deferred,v0.2.12', '--metric', 'bank.gov', '--metric', 'transfers.count', '--metric', 'steps[-1].status'];

const dataOf = (page: string): SweepPlotData => JSON.parse(/<script type="application\/json" id="epochsim-sweep-data">([^<]*)<\/script>/.exec(page)?.[1] ?? 'null') as SweepPlotData;

interface Point {
  params: Record<string, string>;
  rules: string;
  ok: boolean;
  metrics?: Record<string, unknown>;
}

test('sweep --html: the page carries the sweep\'s values, a line per ruleset and value of the other param, against epoch_reward', async () => {
  const files: Record<string, string> = {};
  const r = await runCli(['sweep', ...GRID, '--json', '--html', 'out/sweep.html'], { files });
  expect(r.code).toBe(0);
  expect(r.stderr).toBe('');
  const doc = JSON.parse(r.stdout) as { points: Point[] };
  const page = files['out/sweep.html'] as string;
  const data = dataOf(page);
  expect(data.x).toEqual({ path: 'epoch_reward', labels: ['1000000000000', '2000000000000', '3000000000000'], values: [1e12, 2e12, 3e12], numeric: true });
  // steps[-1].status is a word: listed, not plotted
  expect(data.charts.map((c) => [c.metric, c.unit])).toEqual([
    ['bank.gov', 'gonka'],
    ['transfers.count', ''],
  ]);
  expect(page).toContain('Not plotted (not a number or an amount at every point): <code>steps[-1].status</code>.');
  const labels = ['skipped_payout=refund · deferred', 'skipped_payout=refund · v0.2.12', 'skipped_payout=governance · deferred', 'skipped_payout=governance · v0.2.12'];
  for (const chart of data.charts) {
    expect(chart.series.map((s) => s.label)).toEqual(labels);
    for (const [k, s] of chart.series.entries()) {
      const [skipped, rules] = [['refund', 'governance'][k >> 1], ['deferred', 'v0.2.12'][k & 1]];
      const expected = data.x.labels.map((x) => {
        const p = doc.points.find((q) => q.params['epoch_reward'] === x && q.params['skipped_payout'] === skipped && q.rules === rules);
        const v = p?.metrics?.[chart.metric];
        return typeof v === 'string' ? Number(v) / 1e9 : v;
      });
      expect(s.values).toEqual(expected);
    }
  }
  const gov = data.charts[0]?.series[2]?.values;
  expect(gov).toEqual([333.533333334, 666.866666668, 1000.2]);
  // self-contained: its two scripts allowed by hash, nothing fetched
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(page)?.[1] ?? '';
  expect(csp).toMatch(/^default-src 'none'; script-src 'sha256-[^']+' 'sha256-[^']+'; /);
  const scripts = [...page.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => `'sha256-${createHash('sha256').update(m[1] as string, 'utf8').digest('base64')}'`);
  expect(scripts).toHaveLength(2);
  for (const h of scripts) expect(csp).toContain(h);
  expect(page).not.toMatch(/(src|href)="https?:/);
  // the table holds every point
  expect(page.match(/<tr data-index=/g)).toHaveLength(12);
});

test('report --sweep of the saved --json writes the page sweep --html writes, byte for byte', async () => {
  const files: Record<string, string> = {};
  const r = await runCli(['sweep', ...GRID, '--json', '--html', 'a.html'], { files });
  files['s.json'] = r.stdout;
  const report = await runCli(['report', '--sweep', 's.json'], { files });
  expect(report).toEqual({ code: 0, stderr: '', stdout: `wrote s.html: 12 points of ${S05}, 3 metrics; 0 failed\n` });
  expect(files['s.html']).toBe(files['a.html']);
  const stdout = await runCli(['report', '--sweep', '-', '-o', '-'], { files, stdin: r.stdout });
  expect(stdout.stdout).toBe(files['a.html']);
});

test('a failed point is a gap in its line; exit 1 from both commands', async () => {
  const files: Record<string, string> = {};
  const r = await runCli(['sweep', S05, '--param', 'escrow.max_amount=5gonka..7gonka:1gonka', '--metric', 'bank.alice', '--json', '--html', 'f.html'], { files });
  expect(r.code).toBe(1);
  const data = dataOf(files['f.html'] as string);
  expect(data.charts).toEqual([{ metric: 'bank.alice', unit: 'gonka', series: [{ label: 'deferred', values: [null, 19.6, 19.6] }] }]);
  expect(files['f.html']).toContain('step 2 (line 18, create_escrow): unexpected error: escrow amount 6000000000 out of range [5000000000, 5000000000]');
  files['f.json'] = r.stdout;
  expect((await runCli(['report', '--sweep', 'f.json', '-o', 'g.html'], { files })).code).toBe(1);
  expect(files['g.html']).toBe(files['f.html']);
});

test('a param that is not an integer is the x axis by index, its values the tick labels', async () => {
  const files: Record<string, string> = {};
  await runCli(['sweep', S05, '--param', 'skipped_payout=refund,governance', '--metric', 'bank.alice', '--html', 'p.html'], { files });
  expect(dataOf(files['p.html'] as string).x).toEqual({ path: 'skipped_payout', labels: ['refund', 'governance'], values: [0, 1], numeric: false });
});

describe('bad input: exit 2, nothing on stdout, nothing written', () => {
  it.each([
    ['a scenario, not a sweep', { 'x.json': 'name: x\n' }, "epochsim: report --sweep: x.json: not JSON (Unexpected token 'a', \"name: x\\n\" is not valid JSON)\n"],
    ['another JSON document', { 'x.json': '{"format":"epochsim fuzz report"}' }, 'epochsim: report --sweep: x.json: not an epochsim sweep document (written by epochsim sweep --json)\n'],
    ['another format_version', { 'x.json': '{"format":"epochsim sweep","format_version":9}' }, 'epochsim: report --sweep: x.json: a document of format_version 9; this epochsim reads format_version 1\n'],
    ['a document with a key missing', { 'x.json': '{"format":"epochsim sweep","format_version":1}' }, 'epochsim: report --sweep: x.json: not a valid sweep document at scenario: Invalid input: expected string, received undefined\n'],
    ['no such file', {}, 'epochsim: report --sweep: x.json: no such file\n'],
  ])('%s', async (_, given, stderr) => {
    const files: Record<string, string> = { ...given };
    const r = await runCli(['report', '--sweep', 'x.json'], { files });
    expect(r).toEqual({ code: 2, stdout: '', stderr });
    expect(Object.keys(files)).toEqual(Object.keys(given));
  });

  it('sweep --html - (the rows go to stdout)', async () => {
    const r = await runCli(['sweep', S05, '--html', '-']);
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'epochsim: sweep: --html -: the rows go to stdout; name a file for the page\n' });
  });
});
