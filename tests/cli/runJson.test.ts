/**
 * `run --json` written as the replay goes (src/cli/runJson.ts): steps and transfers spooled (in
 * memory, then a temporary file), the document printed in order at the end, terminal-safe, with
 * the bytes main.ts's escaping of runJsonText gave; a StreamFallback in the middle reruns from
 * the whole-document loader; a lost stdout or temporary file is exit 74, Ctrl-C while printing 130.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { nodeTempFile } from '../../src/cli/io.js';
import { OutputError } from '../../src/cli/exit.js';
import { writeRunJson } from '../../src/cli/runJson.js';
import { terminalSafe } from '../../src/cli/terminal.js';
import type { RuleName, Scenario, ScenarioItem } from '../../src/domain/scenario.js';
import { runJsonText } from '../../src/engine/replay/json.js';
import { runScenario } from '../../src/engine/replay/run.js';
import { RULESETS } from '../../src/engine/rules/registry.js';
import { loadScenario } from '../../src/scenario/load.js';
import { StreamFallback } from '../../src/scenario/stream.js';
import { bundledScenarios } from '../builders.js';
import { fakeIo, runCli, type TempStats } from './fakeIo.js';

const RULE_NAMES = Object.keys(RULESETS) as RuleName[];
/** What `run --json` printed before issue 15: main.ts's terminalSafe over runJsonText. */
const before = (scenario: Scenario, rules?: RuleName): string => terminalSafe(runJsonText(runScenario(scenario, { rules })));

const HOSTILE = [
  'name: "hostile \\x01 \\u2028 \\u202e \\x85 \\x7f \\u061c \\x1b[31m \\U0010FC00[1m"',
  'accounts:',
  '  dev: 1 gonka',
  'participants:',
  '  h1: { weight: 100 }',
  'events:',
  '  - start_epoch',
  '  - start_inference: { id: "a\\u2028\\x1b]0;x\\x07\\u202e\\x85\\"\\\\", requester: dev, executor: h1, prompt_tokens: 100 }',
  '  - finish_inference: { id: "a\\u2028\\x1b]0;x\\x07\\u202e\\x85\\"\\\\", executor: h1, completion_tokens: 200 }',
  '  - invalidate_inference: { id: "b\\u2066\\x1b" }',
  '  - end_epoch',
].join('\n');

function load(text: string, name = 'x.yaml'): Scenario {
  const loaded = loadScenario(text, name);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.issues));
  return loaded.scenario;
}

describe('run --json prints the bytes it printed before the streamed writer', () => {
  it.each(bundledScenarios())('%s under every ruleset', async (file, scenario) => {
    for (const rules of RULE_NAMES) {
      const r = await runCli(['run', `scenarios/${file}`, '--json', '--rules', rules]);
      expect(r.stdout).toBe(before(scenario, rules));
      expect(r.code).toBe(runScenario(scenario, { rules }).ok ? 0 : 1);
      expect(r.stderr).toBe('');
    }
  });

  it('with hostile strings: escaped for the terminal exactly as before', async () => {
    const r = await runCli(['run', 'hostile.yaml', '--json'], { files: { 'hostile.yaml': HOSTILE } });
    expect(r.stdout).toBe(before(load(HOSTILE)));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('\n  "scenario": "hostile \\u0001 \\u2028 \\u202e \\u0085 \\u007f \\u061c \\u001b[31m \u{10fc00}[1m",\n');
    expect(r.stdout).toContain('\n          "inference": "a\\u2028\\u001b]0;x\\u0007\\u202e\\u0085\\"\\\\",\n');
    expect(r.stdout).toContain('\n      "error": "inference with id not found",\n');
  });

  it('through temporary files when the steps outgrow the memory bound, which are removed after', async () => {
    const text = readFileSync('scenarios/22-validation-sharing-and-debt.yaml', 'utf8');
    const scenario = load(text);
    const temps: TempStats = { created: 0, live: 0, bytes: 0 };
    const fake = fakeIo({ temps });
    const code = await writeRunJson(() => scenario, () => undefined, { spoolMemory: 1000 }, fake.io);
    expect(fake.output()).toEqual({ stdout: before(scenario), stderr: '' });
    expect(code).toBe(0);
    expect(temps.created).toBe(2);
    expect(temps.live).toBe(0);
    expect(temps.bytes).toBeGreaterThan(2000);
  });
});

describe('a streamed scenario that gives up (StreamFallback) in the middle', () => {
  const text = readFileSync('scenarios/22-validation-sharing-and-debt.yaml', 'utf8');
  const whole = load(text);
  /** The scenario with items that give up after `n` of them. */
  const givingUp = (n: number): Scenario => {
    function* items(): Generator<ScenarioItem> {
      let i = 0;
      for (const item of whole.items) {
        if (i++ === n) throw new StreamFallback('an anchor');
        yield item;
      }
    }
    return { ...whole, items: items() as unknown as readonly ScenarioItem[] };
  };

  it('discards what was spooled and prints the whole-document run: exit 0, the same bytes', async () => {
    const temps: TempStats = { created: 0, live: 0, bytes: 0 };
    const fake = fakeIo({ temps });
    let reloaded = 0;
    const code = await writeRunJson(() => givingUp(20), () => (reloaded++, whole), { spoolMemory: 1000 }, fake.io);
    expect(fake.output()).toEqual({ stdout: before(whole), stderr: '' });
    expect(code).toBe(0);
    expect(reloaded).toBe(1);
    // both spools of the abandoned run had reached a file, then 2 for the rerun; none left
    expect(temps.created).toBe(4);
    expect(temps.live).toBe(0);
  });

  it('when the whole-document loader finds the input bad: its errors, exit 2, nothing on stdout', async () => {
    const fake = fakeIo();
    const code = await writeRunJson(
      () => givingUp(20),
      () => {
        fake.io.err('x.yaml:40:5: error: unknown event "sttle_escrow"\n');
        return undefined;
      },
      {},
      fake.io,
    );
    expect(code).toBe(2);
    expect(fake.output()).toEqual({ stdout: '', stderr: 'x.yaml:40:5: error: unknown event "sttle_escrow"\n' });
  });

  it('another error in the middle is not taken for a fallback: it propagates, nothing printed', async () => {
    const temps: TempStats = { created: 0, live: 0, bytes: 0 };
    const fake = fakeIo({ temps });
    function* items(): Generator<ScenarioItem> {
      yield* whole.items.slice(0, 20);
      throw new Error('a bug');
    }
    await expect(writeRunJson(() => ({ ...whole, items: items() }), () => whole, { spoolMemory: 1000 }, fake.io)).rejects.toThrow('a bug');
    expect(fake.output().stdout).toBe('');
    expect(temps.live).toBe(0);
  });
});

describe('run --json when the output is lost or stopped', () => {
  const S22 = 'scenarios/22-validation-sharing-and-debt.yaml';

  it('a closed stdout: exit 74 and one line on stderr', async () => {
    const r = await runCli(['run', S22, '--json'], { stdoutError: 'EBADF' });
    expect(r.code).toBe(74);
    expect(r.stderr).toBe('epochsim: the output was lost: stdout is closed\n');
  });

  it('a full disk under stdout: exit 74', async () => {
    const r = await runCli(['run', S22, '--json'], { stdoutError: 'ENOSPC' });
    expect(r.code).toBe(74);
    expect(r.stderr).toBe('epochsim: the output was lost: writing to stdout failed: no space left on the device\n');
  });

  it('a full disk under the temporary file: exit 74 through OutputError, nothing on stdout', async () => {
    const temps: TempStats = { created: 0, live: 0, bytes: 0, failWith: 'ENOSPC' };
    const fake = fakeIo({ temps });
    const run = writeRunJson(() => load(readFileSync(S22, 'utf8')), () => undefined, { spoolMemory: 1000 }, fake.io);
    await expect(run).rejects.toThrow(OutputError);
    await expect(run).rejects.toThrow('epochsim: the output was lost: writing a temporary file failed: no space left on the device (TMPDIR names the folder)\n');
    expect(fake.output().stdout).toBe('');
    expect(temps.live).toBe(0);
  });

  it('Ctrl-C while printing: exit 130, said on stderr, the output cut between chunks', async () => {
    const r = await runCli(['run', S22, '--json'], { interruptAfter: 2 });
    expect(r.code).toBe(130);
    expect(r.stderr).toBe('epochsim: run: interrupted (Ctrl-C); the JSON on stdout is incomplete\n');
    expect(before(load(readFileSync(S22, 'utf8'))).startsWith(r.stdout)).toBe(true);
    expect(r.stdout.length).toBeGreaterThan(0);
  });

  it('SIGTERM while printing: exit 143', async () => {
    const r = await runCli(['run', S22, '--json'], { interruptAfter: 1, interruptSignal: 'SIGTERM' });
    expect(r.code).toBe(143);
    expect(r.stderr).toBe('epochsim: run: interrupted (SIGTERM); the JSON on stdout is incomplete\n');
  });
});

describe('the temporary file of the real process (io.ts nodeTempFile)', () => {
  it('is unlinked at once, keeps bytes across chunk edges, and removes quietly twice', () => {
    const before = readdirSync(tmpdir()).filter((n) => n.startsWith(`epochsim-${process.pid}-`));
    const file = nodeTempFile();
    const text = 'é€😀'.repeat(300_000); // 2.7 MB: a character falls across the 1 MiB chunks
    file.append(Buffer.from(text, 'utf8'));
    file.append(Buffer.from('end', 'utf8'));
    expect(readdirSync(tmpdir()).filter((n) => n.startsWith(`epochsim-${process.pid}-`))).toEqual(before);
    const chunks = [...file.read()];
    expect(chunks.map((c) => c.length)).toEqual([1 << 20, 1 << 20, 2_700_003 - 2 * (1 << 20)]);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(`${text}end`);
    file.remove();
    file.remove();
  });
});
