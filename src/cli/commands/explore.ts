/**
 * `epochsim explore`: breadth-first search over every sequence of actions up to a depth, from a
 * generated genesis or a scenario file's, under each ruleset (and deferred against immediate):
 * every state checked, each distinct state expanded once, interchangeable participants reduced,
 * each kind of failure written as a shortest replayable scenario.
 */
import { posix } from 'node:path';
import { Worker } from 'node:worker_threads';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { MAX_INT64 } from '../../domain/money.js';
import type { RuleName, Scenario } from '../../domain/scenario.js';
import { RULESETS } from '../../engine/rules/registry.js';
import {
  ACTION_KINDS,
  alphabetSummary,
  DEFAULT_AMOUNTS,
  DEFAULT_KINDS,
  DEFAULT_SLOTS,
  defaultGenesis,
  KIND_HELP,
  NEEDS_CREATOR,
  rolesOf,
  scenarioOf,
  SLOT_HELP,
  SLOT_PATTERNS,
  type ActionKind,
  type Roles,
  type SlotPattern,
} from '../../explore/alphabet.js';
import { symmetryClasses } from '../../explore/encode.js';
import { exploreJson, type ExploreSettings } from '../../explore/report.js';
import { Expander, MAX_ACTIONS, Search, searchesOf, searchName, type ChunkResult, type FoundViolation, type SearchResult, type SearchSpec } from '../../explore/search.js';
import { scenarioToYaml } from '../../fuzz/yaml.js';
import type { ExploreWorkerData, ExploreWorkerMessage, ExploreWorkerRequest } from '../exploreWorker.js';
import { plural } from '../render/layout.js';
import { checkOutFolder, fileSafe, intArg, parseRulesArg, rate, replayCommand, seconds, thousands, writeScenarioFile } from '../repro.js';
import { EXIT_FAILED, EXIT_INPUT, EXIT_INTERRUPTED, EXIT_OK, InputError, loadForCommand, maxSizeOption, type Cli } from '../shared.js';

interface ExploreFlags {
  readonly rules: readonly RuleName[];
  readonly depth: number;
  readonly participants?: number;
  readonly amounts: readonly bigint[];
  readonly events: readonly ActionKind[];
  readonly slots: readonly SlotPattern[];
  readonly from?: string;
  readonly maxStates?: number;
  readonly workers: number;
  readonly out: string;
  readonly json?: boolean;
  readonly strict?: boolean;
  readonly symmetry: boolean;
  readonly maxSize?: number;
}

export const DEFAULT_DEPTH = 5;
export const DEFAULT_PARTICIPANTS = 2;

/** `a,b` of `choices` (or all), each once, in the order given. */
const listArg =
  <T extends string>(what: string, choices: readonly T[]) =>
  (value: string): T[] => {
    if (value.trim() === 'all') return [...choices];
    const xs = value.split(',').map((s) => s.trim());
    const unknown = xs.filter((x) => !(choices as readonly string[]).includes(x));
    if (unknown.length > 0) throw new InvalidArgumentError(`unknown ${what} ${unknown.join(', ')}; choose from: ${choices.join(', ')}, or all`);
    if (new Set(xs).size !== xs.length) throw new InvalidArgumentError(`each ${what} may be named once`);
    return xs as T[];
  };

function parseAmounts(value: string): bigint[] {
  const xs = value.split(',').map((s) => s.trim());
  const bad = xs.find((x) => !/^[0-9]+$/.test(x) || BigInt(x) < 1n || BigInt(x) > MAX_INT64);
  if (bad !== undefined) throw new InvalidArgumentError(`amounts are whole numbers of ngonka from 1 to ${MAX_INT64}, comma-separated; not "${bad}"`);
  const amounts = xs.map(BigInt);
  if (new Set(xs.map((x) => BigInt(x).toString())).size !== xs.length) throw new InvalidArgumentError('each amount may be named once');
  return amounts;
}

const HELP = `
Every sequence of up to D actions from the alphabet is replayed from the genesis, breadth
first, and every state reached is checked: the invariants (supply, bounds, surplus, vesting),
the known divergences of a chain version (counted and listed; failures with --strict), and,
when deferred or immediate is among the rules, the differential: over the clean actions (no
drop, punish or exclude), wherever no work coins are owed or were left unclaimed, deferred and
immediate must leave every participant the same liquid balance.

A state reached twice is expanded once: states are hashed (a canonical encoding of the chain
state and of the run values the checks depend on). Participants the genesis treats alike are
interchangeable: a state and its renamings count once (--no-symmetry turns that off). The
first path found to break a property is a shortest one (breadth first: no shorter path breaks
it), the smallest in alphabet order among those; each kind of failure is written to DIR as a
scenario that epochsim run replays.

The alphabet (--events, in this order; default ${DEFAULT_KINDS.join(',')}):
${ACTION_KINDS.map((k) => `  ${k.padEnd(11)} ${KIND_HELP[k]}`).join('\n')}
Slot patterns of create (--slots; default ${DEFAULT_SLOTS.join(',')}):
${SLOT_PATTERNS.map((k) => `  ${k.padEnd(11)} ${SLOT_HELP[k]}`).join('\n')}
Amounts of create and transfer (--amounts): ngonka, default ${DEFAULT_AMOUNTS.join(',')}.

The generated genesis: participants h1 … hK (weight 100, no balance), the creator u1 (1000
gonka) and u2, an account with no participant record (the outsider slot); escrows from 1000 to
10 gonka, an epoch reward of 1000 ngonka. --from FILE takes a scenario's params, accounts and
participants instead (its events are not used): its first account creates, its second is the
outsider.

--workers W expands the frontier in W worker threads; the results are merged in order, so
the counts and the counterexamples are those of one thread. --max-states N stops once N
distinct states are found, and Ctrl-C stops at once: both print the report so far. The time
taken goes to stderr; stdout is the same bytes on every run.

Exit codes: 0 nothing failed, 1 a failure was found, 2 a bad command line or --from file,
74 stdout or a failing scenario could not be written, 130 interrupted by Ctrl-C.

Examples:
  $ epochsim explore --rules pr-1000 --depth 3 --strict   # exit 1: the trapped payout, in 3 events
  $ epochsim explore --depth 5 --workers 2
  $ epochsim explore --rules all --events start,end,create,settle,claim --participants 3 --depth 4
`;

const same = (a: readonly unknown[], b: readonly unknown[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** The explore command line that reproduces a finding: its rules and depth, the same alphabet and genesis. */
function exploreCommand(f: ExploreFlags, rules: string, depth: number): string {
  const parts = ['epochsim explore', `--rules ${rules}`, `--depth ${depth}`];
  parts.push(f.from !== undefined ? `--from ${f.from}` : `--participants ${f.participants ?? DEFAULT_PARTICIPANTS}`);
  if (!same(f.events, DEFAULT_KINDS)) parts.push(`--events ${f.events.join(',')}`);
  if (!same(f.amounts, DEFAULT_AMOUNTS)) parts.push(`--amounts ${f.amounts.join(',')}`);
  if (!same(f.slots, DEFAULT_SLOTS)) parts.push(`--slots ${f.slots.join(',')}`);
  if (f.strict === true) parts.push('--strict');
  if (!f.symmetry) parts.push('--no-symmetry');
  return parts.join(' ');
}

/** Where a violation's scenario goes, and the commands that replay and reproduce it. */
function violationFile(f: ExploreFlags, v: FoundViolation): { file: string; replay: string; reproduce: string } {
  const file = posix.join(f.out, `${fileSafe(v.rules)}-${fileSafe(v.property)}.yaml`);
  const rules = v.property === 'differential' ? v.rules.replace('/', ',') : v.rules;
  return { file, replay: replayCommand(v.property, v.rules, file), reproduce: exploreCommand(f, rules, v.depth) };
}

const shortest = (depth: number): string =>
  depth <= 1 ? 'no shorter path exists' : `breadth first, no path of ${plural(depth - 1, 'event')} or fewer has it`;

function writeViolation(cli: Cli, f: ExploreFlags, genesis: Scenario, v: FoundViolation, states: number): void {
  const { file, replay, reproduce } = violationFile(f, v);
  const header = [
    `epochsim explore: ${v.property} fails under ${v.rules}`,
    `depth ${v.depth}, a shortest path (${shortest(v.depth)}; ${thousands(states)} states checked)`,
    v.message,
    `replay:    ${replay}`,
    `reproduce: ${reproduce}`,
    '',
  ];
  const scenario: Scenario = {
    ...scenarioOf(genesis, v.events),
    name: `explore depth ${v.depth}: ${v.property} under ${v.rules}`,
    description: undefined,
    rules: v.rules.split('/')[0] as RuleName,
  };
  writeScenarioFile(cli, f.out, file, scenarioToYaml(scenario, header));
}

function statusText(r: SearchResult, maxStates: number | undefined): string {
  switch (r.status) {
    case 'complete':
      return `every path of up to ${plural(r.depthComplete, 'event')}`;
    case 'exhausted':
      return `every path of any length: no new state at depth ${r.depth}`;
    case 'max_states':
      return `stopped at --max-states ${thousands(maxStates ?? r.states)} during depth ${r.depth}: every path of up to ${plural(r.depthComplete, 'event')}`;
    case 'interrupted':
      return `interrupted (Ctrl-C) during depth ${r.depth}: every path of up to ${plural(r.depthComplete, 'event')}`;
  }
}

const kib = (bytes: number): string => `${thousands(Math.ceil(bytes / 1024))} KiB`;

/** One search's block of the report. */
function searchBlock(f: ExploreFlags, r: SearchResult): string[] {
  const differential = r.name.includes('/');
  const title = differential ? `${r.name} (the differential, over the clean actions)` : r.name;
  const out = [
    '',
    `${title}: ${thousands(r.states)} states, ${thousands(r.transitions)} transitions (${thousands(r.failed)} failed), ${statusText(r, f.maxStates)}`,
  ];
  const rows = r.perDepth.map((d) => [String(d.depth), thousands(d.states), thousands(d.transitions), thousands(d.failed)]);
  const widths = [5, 0, 0, 0].map((w, c) => Math.max(w, ...rows.map((row) => (row[c] as string).length), ['depth', 'states', 'transitions', 'failed'][c]?.length ?? 0));
  const line = (cells: readonly string[]): string => `  ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ')}`;
  out.push(line(['depth', 'states', 'transitions', 'failed']), ...rows.map(line));
  out.push(`  visited set: ${thousands(r.states)} hashes in ${kib(r.visitedBytes)}; paths: ${kib(r.treeBytes)}`);
  for (const v of r.violations) {
    const w = violationFile(f, v);
    out.push(
      `✗ ${v.rules} · ${v.property} · depth ${v.depth}`,
      `  ${v.message}`,
      `  shortest: ${shortest(v.depth)}`,
      `  wrote      ${w.file}`,
      `  replay:    ${w.replay}`,
      `  reproduce: ${w.reproduce}`,
    );
  }
  if (r.divergences.length > 0) {
    out.push('  known divergences (not failures; --strict makes them failures):');
    for (const d of r.divergences) out.push(`    ${d.property.replace(/^divergence:/, '')}: first at depth ${d.depth}, ${plural(d.transitions, 'transition')}`);
  }
  return out;
}

/** Expands and merges in this thread, a chunk at a time, breathing between chunks for Ctrl-C. */
async function driveHere(cli: Cli, search: Search, expander: Expander, tick: () => void, interrupted: () => boolean): Promise<void> {
  for (;;) {
    if (interrupted()) {
      search.interrupt();
      return;
    }
    const job = search.nextJob();
    if (job === undefined) return;
    search.merge(expander.expand(job));
    tick();
    await cli.io.breathe();
  }
}

/**
 * W worker threads (dist/cli/exploreWorker.js) that expand chunks for one search after another.
 * `run` hands out at most two chunks per worker and merges the results here in the order the
 * chunks were handed out; it returns once the search is done and no chunk of it is still out.
 */
class WorkerPool {
  private readonly workers: Worker[];
  private handler: ((k: number, m: ExploreWorkerMessage) => void) | undefined;
  private failure: ((e: Error) => void) | undefined;
  private closed = false;

  constructor(n: number) {
    this.workers = Array.from({ length: n }, (_, k) => {
      const w = new Worker(new URL('../exploreWorker.js', import.meta.url));
      w.on('message', (m: ExploreWorkerMessage) => this.handler?.(k, m));
      w.on('error', (e) => this.failure?.(e));
      w.on('exit', (code) => {
        if (!this.closed) this.failure?.(new Error(`explore worker ${k} exited with code ${code}`));
      });
      return w;
    });
  }

  run(search: Search, data: ExploreWorkerData, tick: () => void, interrupted: () => boolean, onWake: (wake: () => void) => void): Promise<void> {
    const n = this.workers.length;
    const out = new Array<number>(n).fill(0);
    const ready = new Map<number, ChunkResult>();
    let next = 0;
    for (const w of this.workers) w.postMessage({ type: 'search', data } satisfies ExploreWorkerRequest);
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const finish = (error?: Error): void => {
        if (settled) return;
        settled = true;
        this.handler = undefined;
        this.failure = undefined;
        if (error === undefined) resolve();
        else reject(error);
      };
      const pump = (): void => {
        if (settled) return;
        if (interrupted()) {
          search.interrupt();
          finish();
          return;
        }
        for (let r = ready.get(next); r !== undefined; r = ready.get(next)) {
          ready.delete(next);
          next++;
          search.merge(r);
          tick();
        }
        for (let k = 0; k < n && !search.done; k++) {
          while ((out[k] as number) < 2) {
            const job = search.nextJob();
            if (job === undefined) break;
            (this.workers[k] as Worker).postMessage({ type: 'chunk', job } satisfies ExploreWorkerRequest, [job.paths.buffer as ArrayBuffer]);
            out[k] = (out[k] as number) + 1;
          }
        }
        // done (a chunk still out after --max-states is waited for and dropped)
        if (out.every((x) => x === 0)) {
          if (search.done) finish();
          else finish(new Error('internal: the search waits for no chunk but is not done'));
        }
      };
      onWake(pump);
      this.failure = (e) => finish(e);
      this.handler = (k, m) => {
        if (m.type === 'error') {
          finish(new Error(`explore worker ${k}: ${m.message}`));
          return;
        }
        out[k] = (out[k] as number) - 1;
        if (!search.done) ready.set(m.result.seq, m.result);
        try {
          pump();
        } catch (error) {
          finish(error as Error);
        }
      };
      pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

export function registerExplore(program: Command, cli: Cli): void {
  program
    .command('explore')
    .description('check every sequence of events up to a depth, breadth first, and write a shortest scenario for each kind of failure')
    .addOption(
      new Option('--rules <list>', 'rulesets to check, comma-separated, or all (deferred or immediate adds the differential)')
        .argParser(parseRulesArg)
        .default(['deferred', 'immediate'] as RuleName[], 'deferred,immediate'),
    )
    .option('--depth <n>', 'the longest sequence of events checked', intArg('--depth', 0, 1000), DEFAULT_DEPTH)
    .option('--participants <n>', `participants of the generated genesis (default ${DEFAULT_PARTICIPANTS})`, intArg('--participants', 1, 8))
    .addOption(new Option('--events <list>', 'the kinds of action, comma-separated, or all').argParser(listArg('kind', ACTION_KINDS)).default(DEFAULT_KINDS, DEFAULT_KINDS.join(',')))
    .addOption(new Option('--amounts <list>', 'escrow and transfer amounts in ngonka, comma-separated').argParser(parseAmounts).default(DEFAULT_AMOUNTS, DEFAULT_AMOUNTS.join(',')))
    .addOption(new Option('--slots <list>', 'slot patterns of create, comma-separated, or all').argParser(listArg('slot pattern', SLOT_PATTERNS)).default(DEFAULT_SLOTS, DEFAULT_SLOTS.join(',')))
    .option('--from <file>', "explore from a scenario file's genesis (params, accounts, participants)")
    .option('--max-states <n>', 'stop once this many distinct states are found', intArg('--max-states', 1, 2 ** 31))
    .option('--workers <n>', 'worker threads expanding the frontier (1: in this thread)', intArg('--workers', 1, 64), 1)
    .option('--no-symmetry', 'count every renaming of interchangeable participants as its own state')
    .option('--strict', 'count the known divergences of the chain-version rulesets as failures')
    .option('--out <dir>', 'where to write the failing scenarios', 'explore-failures')
    .option('--json', 'print the report as JSON (epochsim schema --output explore describes it)')
    .addOption(maxSizeOption())
    .addHelpText('after', HELP)
    .action(async (flags: ExploreFlags) => {
      const start = cli.io.now();
      const genesis = genesisFor(cli, flags);
      if (genesis === undefined) {
        cli.setExit(EXIT_INPUT);
        return;
      }
      await explore(cli, flags, genesis, start);
    });
}

/** The genesis explored: the generated one, or a --from file's (undefined: its errors were shown). */
function genesisFor(cli: Cli, flags: ExploreFlags): Scenario | undefined {
  if (flags.from === undefined) return defaultGenesis(flags.participants ?? DEFAULT_PARTICIPANTS);
  if (flags.participants !== undefined) {
    throw new InputError('epochsim: --participants and --from do not go together: the participants come from the file\n');
  }
  const loaded = loadForCommand(flags.from, cli.io, false, flags.maxSize);
  if (loaded === undefined) return undefined;
  const needs = NEEDS_CREATOR.filter((k) => flags.events.includes(k));
  if (loaded.accounts.length === 0 && needs.length > 0) {
    throw new InputError(`epochsim: ${flags.from} declares no account: ${needs.join(', ')} need one (the first account creates)\n`);
  }
  if (loaded.participants.length === 0) throw new InputError(`epochsim: ${flags.from} declares no participant\n`);
  return { ...loaded, items: [] };
}

/** The lines before the searches: settings, genesis roles, alphabet, symmetry. */
function headerLines(flags: ExploreFlags, roles: Roles, alphabet: ReturnType<typeof alphabetSummary>, classNames: readonly (readonly string[])[]): string[] {
  const extras = [flags.from === undefined ? undefined : `genesis of ${flags.from}`, flags.strict === true ? 'strict' : undefined, flags.symmetry ? undefined : 'no symmetry'];
  const alike = classNames.filter((c) => c.length > 1);
  const kinds = alphabet.kinds.map((k) => `${k.kind} ${k.count}${k.kind.startsWith('settle') ? '/escrow' : ''}`).join(', ');
  return [
    `explore: rules ${flags.rules.join(', ')}, depth ${flags.depth}, ${plural(roles.hosts.length, 'participant')}${extras.filter((x) => x !== undefined).map((x) => `, ${x}`).join('')}`,
    `genesis: participants ${roles.hosts.join(', ')}; creator ${roles.creator ?? '(none)'}; outsider ${roles.outsider ?? '(none)'}`,
    `alphabet: ${plural(alphabet.fixed, 'action')}${alphabet.perEscrow > 0 ? ` + ${alphabet.perEscrow} per escrow` : ''} (${kinds})`,
    `symmetry: ${!flags.symmetry ? 'off (--no-symmetry)' : alike.length === 0 ? 'none (no two participants alike)' : alike.map((c) => `${c.join(', ')} interchangeable`).join('; ')}`,
  ];
}

async function explore(cli: Cli, flags: ExploreFlags, genesis: Scenario, start: bigint): Promise<void> {
  const { io } = cli;
  checkOutFolder(io, flags.out);
  const strict = flags.strict === true;
  const roles = rolesOf(genesis);
  const classes = flags.symmetry ? symmetryClasses(genesis.participants, genesis.params.escrow.allowedCreators) : roles.hosts.map((_, i) => [i]);
  const classNames = classes.map((c) => c.map((i) => roles.hosts[i] as string));
  const alphabet = alphabetSummary(roles, { kinds: flags.events, amounts: flags.amounts, slots: flags.slots });
  const actions = alphabet.fixed + alphabet.perEscrow * flags.depth;
  if (actions > MAX_ACTIONS) {
    throw new InputError(`epochsim: the alphabet would have ${thousands(actions)} actions, more than ${thousands(MAX_ACTIONS)}: name fewer participants, amounts, slot patterns or events\n`);
  }
  // listening before anything is printed: a Ctrl-C from here on gets the report so far
  let interrupted = false;
  let wake: (() => void) | undefined;
  const stopListening = io.onInterrupt(() => {
    interrupted = true;
    wake?.();
  });
  const results: SearchResult[] = [];
  const pool = flags.workers > 1 ? new WorkerPool(flags.workers) : undefined;
  try {
    if (flags.json !== true) io.out(`${headerLines(flags, roles, alphabet, classNames).join('\n')}\n`);
    let last: bigint | undefined;
    let statesBefore = 0;
    for (const rs of searchesOf(flags.rules.map((n) => RULESETS[n]))) {
      if (interrupted) break;
      const spec: SearchSpec = { genesis, rulesets: rs, kinds: flags.events, amounts: flags.amounts, slots: flags.slots, depth: flags.depth, symmetry: flags.symmetry, strict, maxStates: flags.maxStates };
      const expander = new Expander(spec);
      const search = new Search(spec, expander);
      const name = searchName(spec);
      const tick = io.stderrIsTTY
        ? (): void => {
            const t = io.now();
            if (last !== undefined && t - last < 100_000_000n) return;
            last = t;
            io.progress(`\r${name} · depth ${search.depth + 1} · ${thousands(search.states)} states · ${rate(statesBefore + search.states, t - start)} states/s · queue ${thousands(search.queue)}\x1b[K`);
          }
        : (): void => undefined;
      if (pool !== undefined) {
        const data: ExploreWorkerData = { spec: { ...spec, rulesets: undefined }, rules: rs.map((r) => r.name) };
        await pool.run(search, data, tick, () => interrupted, (stop) => (wake = stop));
      } else {
        await driveHere(cli, search, expander, tick, () => interrupted);
      }
      const result = search.result();
      results.push(result);
      statesBefore += result.states;
      if (io.stderrIsTTY) io.progress('\r\x1b[K');
      for (const v of result.violations) writeViolation(cli, flags, genesis, v, result.states);
      if (flags.json !== true) io.out(`${searchBlock(flags, result).join('\n')}\n`);
    }
  } finally {
    stopListening();
    await pool?.close();
  }
  const elapsed = io.now() - start;
  const failures = results.flatMap((r) => r.violations);
  if (flags.json === true) {
    const settings: ExploreSettings = {
      depth: flags.depth,
      from: flags.from,
      participants: roles.hosts,
      classes: classNames,
      strict,
      kinds: flags.events,
      amounts: flags.amounts,
      slots: flags.slots,
      maxStates: flags.maxStates,
    };
    io.out(`${JSON.stringify(exploreJson(settings, results, interrupted, (v) => violationFile(flags, v).file), null, 2)}\n`);
  } else {
    const lines = [''];
    if (interrupted) lines.push(`interrupted (Ctrl-C): the report of the ${plural(results.length, 'search', 'searches')} done`);
    lines.push(
      failures.length === 0
        ? `no failures in ${plural(results.length, 'search', 'searches')}`
        : `${plural(failures.length, 'failure')}: ${failures.map((v) => `${v.rules} ${v.property} (depth ${v.depth})`).join(', ')}`,
    );
    io.out(`${lines.join('\n')}\n`);
  }
  const states = results.reduce((a, r) => a + r.states, 0);
  io.err(`explore: ${thousands(states)} states in ${seconds(elapsed)} s (${rate(states, elapsed)} states/s)\n`);
  cli.setExit(interrupted ? EXIT_INTERRUPTED : failures.length > 0 ? EXIT_FAILED : EXIT_OK);
}
