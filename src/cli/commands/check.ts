/**
 * `epochsim check [PATH...]`: regression testing. Runs every scenario under the given files and
 * folders, honours their expectations, compares each run with its golden file, and reports one
 * line per scenario, the failures in detail and a last line `N passed, N failed`.
 */
import { basename, dirname, join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { RULE_NAMES, type RuleName } from '../../domain/scenario.js';
import { canonicalJson, runToJson, type Json } from '../../engine/replay/json.js';
import { runScenario } from '../../engine/replay/run.js';
import type { LoadResult } from '../../scenario/load.js';
import { describeError } from '../oserror.js';
import { readJsonFile } from '../jsonFile.js';
import type { Io } from '../io.js';
import { plain } from '../palette.js';
import {
  renderCounts,
  renderFailure,
  renderJunit,
  renderScenarioLine,
  renderUpdates,
  verdictOf,
  type GoldenOutcome,
  type InputProblem,
  type ScenarioOutcome,
} from '../render/check.js';
import { diffJson } from '../render/jsondiff.js';
import {
  EXIT_FAILED,
  EXIT_INPUT,
  EXIT_OK,
  InputError,
  maxSizeOption,
  strictUnitsOption,
  parseRules,
  readScenario,
  renderInputErrors,
  sourceName,
  stderrPalette,
  stdoutPalette,
  type Cli,
} from '../shared.js';
import { byCodeUnit } from '../../domain/order.js';

interface CheckFlags {
  readonly golden?: string;
  readonly update?: boolean;
  readonly junit?: string;
  readonly rules?: RuleName;
  readonly maxSize?: number;
  readonly strictUnits?: boolean;
  readonly color: boolean;
}

const HELP = `
Runs every scenario (*.yaml, *.yml) under the given files and folders (default: scenarios/),
in code-unit order of their paths. Folders are searched recursively; names starting with "."
and node_modules are skipped, symbolic links to folders are not followed. A scenario passes
when every event, expect_error, expect_result, checkpoint and invariant holds and, with
--golden, its run matches its golden file. - reads one scenario from stdin.

Golden files: with --golden DIR, each scenario's full \`epochsim run --json\` output is compared
with DIR/<name>.json, where <name> is the file name without .yaml (for a file found in a
subfolder, its path below the folder given; stdin is "stdin"), as JSON values (key order and
spacing do not matter). A difference is listed as JSON paths with the golden and the new value,
amounts in ngonka and gonka. With --rules R the
golden files are DIR/<name>.R.json, so the files' own goldens stay as they are.
--update writes the golden files instead of failing on them (creating DIR if needed) and says
which were created and which changed, with what changed.

Examples:
  $ epochsim check
  $ epochsim check scenarios/ --golden scenarios/expected --junit out.xml
  $ epochsim check scenarios/ --golden scenarios/expected --update
  $ epochsim check scenarios/01-deferred-same-epoch.yaml --rules immediate   # exit 1: its checkpoints are deferred's

Output: one line per scenario as it completes (✓ or ✗, the file, the time), then each failure
in detail, then a last line "N passed, N failed". Input errors go to stderr as FILE:LINE:COL.

Exit codes: 0 every scenario passed; 1 a scenario failed; 2 an input is invalid (every problem
is reported, the other files still run, and the invalid one counts as failed); 74 stdout could
not be written. A report is never written over a scenario being checked.
`;

/** A scenario to run, or a path that gave none. */
interface Target {
  /** What the user sees: the path as given or found, `<stdin>` for `-`. */
  readonly name: string;
  /** What to read: a path, or `-`. */
  readonly source: string;
  /** The golden file's name without `.json`. */
  readonly goldenName: string;
  readonly error?: string;
}

const isScenarioFile = (name: string): boolean => /\.ya?ml$/.test(name);
const withoutExtension = (name: string): string => name.replace(/\.ya?ml$/, '');
/** Joins as typed: `scenarios/` and `scenarios` both give `scenarios/x.yaml`; `./s` stays `./s/x.yaml`. */
const joinAsTyped = (dir: string, name: string): string => (dir.endsWith('/') ? `${dir}${name}` : `${dir}/${name}`);

const reason = describeError;

/** The scenarios a folder holds, recursively; paths as typed below it. */
function scanFolder(io: Io, dir: string, skip: string | undefined, below = ''): { found: Target[]; errors: Target[] } {
  const found: Target[] = [];
  const errors: Target[] = [];
  const here = below === '' ? dir : joinAsTyped(dir, below);
  let entries;
  try {
    entries = io.listDir(here);
  } catch (error) {
    return { found, errors: [{ name: here, source: here, goldenName: '', error: `cannot read folder ${here}: ${reason(error, here)}` }] };
  }
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules' || entry.kind === 'link') continue;
    const relative = below === '' ? entry.name : `${below}/${entry.name}`;
    const path = joinAsTyped(dir, relative);
    if (entry.kind === 'directory') {
      if (skip !== undefined && resolve(path) === skip) continue;
      const sub = scanFolder(io, dir, skip, relative);
      found.push(...sub.found);
      errors.push(...sub.errors);
    } else if (isScenarioFile(entry.name) && entry.kind === 'special') {
      errors.push({ name: path, source: path, goldenName: '', error: `${path} is not a regular file (a pipe, socket or device): give it by name to read it` });
    } else if (isScenarioFile(entry.name)) {
      found.push({ name: path, source: path, goldenName: withoutExtension(relative) });
    }
  }
  return { found, errors };
}

/** Every scenario under `paths`, each once, sorted by name (code units); paths that gave none as errors. */
export function findScenarios(io: Io, paths: readonly string[], goldenDir: string | undefined): Target[] {
  const skip = goldenDir === undefined ? undefined : resolve(goldenDir);
  const targets: Target[] = [];
  for (const path of paths) {
    if (path === '-') {
      targets.push({ name: sourceName(path), source: '-', goldenName: 'stdin' });
      continue;
    }
    const kind = io.pathKind(path);
    if (kind === 'file') {
      targets.push({ name: path, source: path, goldenName: withoutExtension(basename(path)) });
    } else if (kind === 'directory') {
      const { found, errors } = scanFolder(io, path, skip);
      targets.push(...found, ...errors);
      if (found.length === 0 && errors.length === 0) {
        targets.push({ name: path, source: path, goldenName: '', error: `no scenario files (*.yaml, *.yml) under ${path}` });
      }
    } else {
      targets.push({ name: path, source: path, goldenName: '', error: `cannot read ${path}: no such file or folder` });
    }
  }
  const seen = new Set<string>();
  return targets
    .filter((t) => {
      const key = t.source === '-' ? '-' : resolve(t.source);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => byCodeUnit(a.name, b.name));
}

interface Golden {
  readonly dir: string;
  readonly update: boolean;
  readonly rules: RuleName | undefined;
}

function goldenFile(golden: Golden, target: Target): string {
  return join(golden.dir, `${target.goldenName}${golden.rules === undefined ? '' : `.${golden.rules}`}.json`);
}

/**
 * The largest golden file read (bounded like every input, so a golden path naming a device or a
 * pipe cannot hang the check or exhaust memory): a 10^5-event run's JSON is about 164 MB.
 */
export const GOLDEN_MAX_BYTES = 256 * 1024 * 1024;

/** Compares the run with its golden file, or (with --update) writes it. */
function handleGolden(io: Io, file: string, json: Json, update: boolean): GoldenOutcome | InputProblem {
  const text = canonicalJson(json);
  const fresh = JSON.parse(text) as Json;
  let old: Json | undefined;
  let why: string | undefined;
  if (io.pathKind(file) === 'missing') {
    old = undefined;
  } else {
    try {
      old = readJsonFile(io, file, GOLDEN_MAX_BYTES, (problem) => new InputError(problem)) as Json;
    } catch (error) {
      why = error instanceof InputError ? error.message : reason(error, file);
    }
  }
  const changes = old === undefined ? [] : diffJson(old, fresh);
  if (!update) {
    if (why !== undefined) return { kind: 'unreadable', file, why };
    if (old === undefined) return { kind: 'missing', file };
    return changes.length === 0 ? { kind: 'match', file } : { kind: 'differs', file, changes };
  }
  if (old !== undefined && changes.length === 0) return { kind: 'unchanged', file };
  try {
    io.mkdir(dirname(file));
    io.writeFile(file, text);
  } catch (error) {
    const message = `cannot write ${file}: ${reason(error, file)}`;
    return { message, details: `epochsim: ${message}\n` };
  }
  if (why !== undefined) return { kind: 'rewritten', file, why };
  return old === undefined ? { kind: 'created', file } : { kind: 'changed', file, changes };
}

/** Reads, loads, runs and (with --golden) compares one target. Input errors go to stderr here. */
function checkOne(target: Target, flags: CheckFlags, golden: Golden | undefined, clash: string | undefined, io: Io): Omit<ScenarioOutcome, 'nanos'> {
  const name = target.name;
  const problem = (message: string): Omit<ScenarioOutcome, 'nanos'> => {
    io.err(`epochsim: ${message}\n`);
    return { name, problem: { message, details: `epochsim: ${message}\n` } };
  };
  if (target.error !== undefined) return problem(target.error);
  let text: string;
  let loaded: LoadResult;
  try {
    ({ text, loaded } = readScenario(target.source, io, flags.maxSize, flags.strictUnits));
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    io.err(error.message);
    return { name, problem: { message: error.message.replace(/^epochsim: /, '').trimEnd(), details: error.message } };
  }
  if (!loaded.ok) {
    const issues = [...loaded.issues];
    io.err(renderInputErrors(issues, text, name, stderrPalette(io, flags.color)));
    const details = renderInputErrors(issues, text, name, plain);
    return { name, problem: { message: details.trimEnd().split('\n').at(-1) ?? '', details } };
  }
  const run = runScenario(loaded.scenario, { rules: flags.rules });
  if (!golden) return { name, run };
  const file = goldenFile(golden, target);
  if (clash !== undefined) {
    const message = clash;
    io.err(`epochsim: ${message}\n`);
    return { name, run, problem: { message, details: `epochsim: ${message}\n` } };
  }
  const outcome = handleGolden(io, file, runToJson(run), golden.update);
  if ('kind' in outcome) return { name, run, golden: outcome };
  io.err(outcome.details);
  return { name, run, problem: outcome };
}

export function checkCommand(paths: readonly string[], flags: CheckFlags, cli: Cli): number {
  const { io } = cli;
  if (flags.update && flags.golden === undefined) {
    throw new InputError('epochsim: --update needs --golden DIR, the folder of the golden files to write\n');
  }
  const golden: Golden | undefined =
    flags.golden === undefined ? undefined : { dir: flags.golden, update: flags.update === true, rules: flags.rules };
  if (golden?.update) {
    try {
      io.mkdir(golden.dir);
    } catch (error) {
      throw new InputError(`epochsim: cannot create the golden folder ${golden.dir}: ${reason(error, golden.dir)}\n`);
    }
  }

  const targets = findScenarios(io, paths.length > 0 ? paths : ['scenarios'], golden?.dir);
  // No report may be written over a file being checked (`--junit x.yaml` replaced the scenario).
  const inputs = new Map<string, string>();
  for (const t of targets) {
    if (t.error !== undefined || t.source === '-') continue;
    inputs.set(resolve(t.source), t.name);
    const id = io.fileId(t.source);
    if (id !== undefined) inputs.set(id, t.name);
  }
  const inputAt = (path: string): string | undefined => inputs.get(resolve(path)) ?? inputs.get(io.fileId(path) ?? '');
  if (flags.junit !== undefined) {
    const input = inputAt(flags.junit);
    if (input !== undefined) {
      throw new InputError(`epochsim: --junit ${flags.junit} is the scenario ${input}; the report would replace it (name another file)\n`);
    }
  }
  // two scenarios with one golden file (a/x.yaml and b/x.yaml given together): the later one is
  // an error; so is a golden file to write that is a scenario being checked
  const owners = new Map<string, string>();
  const clashes = new Map<Target, string>();
  if (golden) {
    for (const t of targets) {
      if (t.error !== undefined) continue;
      const name = goldenFile(golden, t);
      const file = resolve(name);
      const owner = owners.get(file);
      const input = golden.update ? inputAt(name) : undefined;
      if (input !== undefined) clashes.set(t, `golden file ${name} is the scenario ${input}; --update would replace it (give the golden files their own folder)`);
      else if (owner === undefined) owners.set(file, t.name);
      else clashes.set(t, `golden file ${name} is also the golden file of ${owner}; give one of them another name`);
    }
  }

  const p = stdoutPalette(io, flags.color);
  const width = Math.max(0, ...targets.map((t) => t.name.length));
  const outcomes: ScenarioOutcome[] = [];
  for (const target of targets) {
    const start = io.now();
    const partial = checkOne(target, flags, golden, clashes.get(target), io);
    const outcome: ScenarioOutcome = { ...partial, nanos: io.now() - start };
    outcomes.push(outcome);
    io.out(`${renderScenarioLine(outcome, width, p)}\n`);
  }

  const blocks: string[] = [];
  const failed = outcomes.filter((o) => verdictOf(o) !== 'passed');
  if (failed.length > 0) blocks.push(failed.map((o) => renderFailure(o, p)).join('\n\n'));
  if (golden?.update) blocks.push(renderUpdates(outcomes, golden.dir).join('\n'));
  io.out(`\n${blocks.map((b) => `${b}\n\n`).join('')}${renderCounts(outcomes, p)}\n`);

  let junitFailed = false;
  if (flags.junit !== undefined) {
    try {
      io.mkdir(dirname(flags.junit));
      io.writeFile(flags.junit, renderJunit(outcomes));
    } catch (error) {
      io.err(`epochsim: cannot write the JUnit report ${flags.junit}: ${reason(error, flags.junit)}\n`);
      junitFailed = true;
    }
  }

  if (junitFailed || outcomes.some((o) => verdictOf(o) === 'error')) return EXIT_INPUT;
  return failed.length > 0 ? EXIT_FAILED : EXIT_OK;
}

export function registerCheck(program: Command, cli: Cli): void {
  program
    .command('check')
    .description('run every scenario under the given files and folders, compare with golden files, report pass/fail')
    .argument('[paths...]', 'scenario files and folders (default: scenarios/); - reads one scenario from stdin')
    .option('--golden <dir>', 'compare each run with its golden file DIR/<name>.json (the run --json output)')
    .option('--update', 'with --golden: write the golden files instead of comparing, and say which changed')
    .option('--junit <file>', 'also write the results as JUnit XML to FILE, for CI')
    .addOption(
      new Option('--rules <ruleset>', `run every file under this ruleset: (${RULE_NAMES.join(' | ')}); goldens become DIR/<name>.<ruleset>.json`).argParser(
        parseRules,
      ),
    )
    .addOption(maxSizeOption())
    .addOption(strictUnitsOption())
    .option('--no-color', 'never colour the output (colour is used only on a terminal; NO_COLOR is honoured)')
    .addHelpText('after', HELP)
    .action((paths: string[], flags: CheckFlags) => {
      cli.setExit(checkCommand(paths, flags, cli));
    });
}
