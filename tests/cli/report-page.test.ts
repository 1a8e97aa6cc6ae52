/**
 * `epochsim report`: where the page goes, the exit codes, what is written when something is
 * wrong (nothing, or the whole page), and a hostile scenario that cannot break out of the page.
 * What the page shows in a browser is tested in tests/browser/report.test.ts.
 */
import { createHash } from 'node:crypto';
import { terminalSafe } from '../../src/cli/terminal.js';
import type { PageData } from '../../src/cli/render/page/format.js';
import { BAD_SCENARIO, runCli } from './fakeIo.js';
import { file } from './narrative.js';

const S03 = file('03');

/** The page's data: the JSON in its `<script type="application/json">`. */
function pageData(html: string): PageData {
  const m = /<script type="application\/json" id="epochsim-data">([^<]*)<\/script>/.exec(html);
  if (m === null) throw new Error('no data in the page');
  return JSON.parse(m[1] as string) as PageData;
}

describe('where the page goes', () => {
  test('by default beside the current folder, named after the scenario file; a line says so', async () => {
    const files: Record<string, string> = {};
    const r = await runCli(['report', S03], { files });
    expect(r).toEqual({ code: 0, stdout: 'wrote 03-cross-epoch-unclaimed.html: 9 steps under deferred; OK: 7 events, 2 checkpoints, invariants hold\n', stderr: '' });
    expect(Object.keys(files)).toEqual(['03-cross-epoch-unclaimed.html']);
    const page = files['03-cross-epoch-unclaimed.html'] as string;
    expect(page.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(page.endsWith('</html>\n')).toBe(true);
    // a small scenario's page: uPlot (about 51 kB), the page's own script and style, and the data
    expect(page.length).toBeLessThan(200_000);
  });

  test('-o - writes the same page, byte for byte, to stdout and nothing else; the same every time', async () => {
    const files: Record<string, string> = {};
    await runCli(['report', S03, '-o', 'a/b/page.html'], { files });
    const r = await runCli(['report', S03, '-o', '-']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(files['a/b/page.html']);
    expect((await runCli(['report', S03, '-o', '-'])).stdout).toBe(r.stdout);
    // nothing in it is changed by the escaping of what reaches a terminal
    expect(terminalSafe(r.stdout)).toBe(r.stdout);
  });

  test('a scenario on stdin gives stdin.html', async () => {
    const files: Record<string, string> = {};
    const r = await runCli(['report', '-'], { files, stdin: 'name: s\nparticipants: { h1: { weight: 1 } }\nevents:\n  - start_epoch\n' });
    expect(r.stdout).toBe('wrote stdin.html: 1 step under deferred; OK: 1 event, 0 checkpoints, invariants hold\n');
    expect(pageData(files['stdin.html'] as string).file).toBe('<stdin>');
  });
});

describe('exit codes', () => {
  test('1 when a checkpoint fails: the page is still written and says why', async () => {
    const files: Record<string, string> = {};
    const r = await runCli(['report', file('01'), '--rules', 'immediate'], { files });
    expect(r).toEqual({ code: 1, stdout: 'wrote 01-deferred-same-epoch.html: 10 steps under immediate; FAILED: 3 checkpoints failed\n', stderr: '' });
    const data = pageData(files['01-deferred-same-epoch.html'] as string);
    expect(data.runs[0]?.status.filter((s) => s === 4)).toHaveLength(3);
    expect(files['01-deferred-same-epoch.html']).toContain('<p class="verdict failed"><span class="mark" aria-hidden="true">✗</span> FAILED: 3 checkpoints failed</p>');
  });

  test('several rulesets: each verdict and the first divergence; 1 when any run fails', async () => {
    const files: Record<string, string> = {};
    const r = await runCli(['report', file('05'), '--rules', 'deferred,immediate'], { files });
    expect(r).toEqual({
      code: 1,
      stdout:
        'wrote 05-punished-host-refund.html: 8 steps under deferred, immediate; deferred: OK: 6 events, 2 checkpoints, invariants hold; ' +
        'immediate: FAILED: 1 checkpoint failed; first divergence at step 6 (line 28)\n',
      stderr: '',
    });
    const page = files['05-punished-host-refund.html'] as string;
    expect(page).toContain('<h2>First divergence: step 6 (line 28)</h2>');
    expect(pageData(page).divergence).toMatchObject({ position: 5, step: 6, line: 28 });
  });

  test('2 for bad input: the errors on stderr, nothing written', async () => {
    const files: Record<string, string> = { 'bad.yaml': BAD_SCENARIO };
    const r = await runCli(['report', 'bad.yaml'], { files });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('bad.yaml:5:5: error: unknown event "sttle_escrow"');
    expect(Object.keys(files)).toEqual(['bad.yaml']);
  });

  test.each([
    [['--rules', 'deferred,nope'], 'unknown ruleset nope; choose from: deferred, immediate, v0.2.11, fees-kept, fees-split, pr-1000, v0.2.12, newest'],
    [['--rules', 'deferred,deferred'], 'each ruleset may be named once'],
  ])('2 for a bad --rules %j, nothing written', async (args, why) => {
    const files: Record<string, string> = {};
    const r = await runCli(['report', S03, ...args], { files });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(why);
    expect(files).toEqual({});
  });

  test('2 when the page would replace the scenario itself', async () => {
    const files: Record<string, string> = { 's.yaml': 'name: s\nparticipants: { h1: { weight: 1 } }\nevents:\n  - start_epoch\n' };
    const r = await runCli(['report', 's.yaml', '-o', './s.yaml'], { files });
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'epochsim: ./s.yaml is the scenario itself; name another page with -o\n' });
    expect(files['s.yaml']).toBe('name: s\nparticipants: { h1: { weight: 1 } }\nevents:\n  - start_epoch\n');
  });

  test('74 when the page cannot be written, with the reason in words; nothing on stdout', async () => {
    const files: Record<string, string> = {};
    const r = await runCli(['report', S03], { files, writeErrors: { '03-cross-epoch-unclaimed.html': 'ENOSPC' } });
    expect(r).toEqual({ code: 74, stdout: '', stderr: 'epochsim: cannot write 03-cross-epoch-unclaimed.html: no space left on the device\n' });
    expect(files).toEqual({});
  });

  test('74 when -o - and stdout fails', async () => {
    const r = await runCli(['report', S03, '-o', '-'], { stdoutError: 'ENOSPC' });
    expect(r.code).toBe(74);
    expect(r.stderr).toBe('epochsim: the output was lost: writing to stdout failed: no space left on the device\n');
  });
});

describe('a hostile scenario stays text', () => {
  const EVIL = [
    'name: "</script><script>alert(1)</script>\\e[31m red \\u0085 \\u202e"',
    'description: "<img src=x onerror=alert(1)> & more"',
    'accounts: { alice: 20 gonka }',
    'participants: { h1: { weight: 100 } }',
    'events:',
    '  - start_epoch: {}',
    '    note: "</script><!-- \\x07 bell \\u2028"',
    '  - transfer: { from: alice, to: h1, amount: 1 gonka }',
    '    expect_error: "</SCRIPT>\\e"',
    '',
  ].join('\n');

  test('names, descriptions, notes and messages are escaped; the data cannot end its element', async () => {
    const files: Record<string, string> = { 'evil<b>.yaml': EVIL };
    const r = await runCli(['report', 'evil<b>.yaml'], { files });
    expect(r.code).toBe(1); // the transfer succeeded where the scenario expects an error
    const page = files['evil<b>.html'] as string;
    // the page's three scripts and nothing else
    expect(page.match(/<script/gi)).toHaveLength(3);
    expect(page.match(/<\/script/gi)).toHaveLength(3);
    expect(page).not.toContain('<img');
    expect(page).toContain('<h1>&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;\\u001b[31m red \\u0085 \\u202e</h1>');
    expect(page).toContain('<p>&lt;img src=x onerror=alert(1)&gt; &amp; more</p>');
    expect(page).toContain('<span class="file">evil&lt;b&gt;.yaml</span>');
    // no raw control character anywhere: the terminal escaping of -o - changes nothing
    expect(page).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e]/);
    expect(terminalSafe(page)).toBe(page);
    const data = pageData(page);
    expect(data.file).toBe('evil<b>.yaml');
    expect(data.runs[0]?.detail[0]?.note).toBe('</script><!-- \\u0007 bell \\u2028');
    expect(data.runs[0]?.detail[1]?.problem).toBe('expected an error containing "</SCRIPT>\\u001b", but the event succeeded');
    expect(data.runs[0]?.explain[0]).toContain('Note: </script><!-- \\u0007 bell');
  });

  test('the page fetches nothing: no address in it, and a policy that allows only its own two scripts', async () => {
    const r = await runCli(['report', S03, '-o', '-']);
    const page = r.stdout;
    expect(page).not.toMatch(/(src|href|action)\s*=/i);
    expect(page).not.toMatch(/@import|url\(/i);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(page)?.[1];
    const scripts = [...page.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1] as string);
    expect(scripts).toHaveLength(2);
    const hashes = scripts.map((s) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`);
    expect(csp).toBe(`default-src 'none'; script-src ${hashes.join(' ')}; style-src 'unsafe-inline'; img-src data:`);
  });
});
