/**
 * The commands, as `--help` lists them, without loading them: each command's module (and the
 * loader, zod, yaml, js-yaml, chalk, cli-table3 behind it) is imported only when argv names it,
 * so `epochsim --version` and `epochsim --help` start fast. tests/cli/startup.test.ts checks that
 * this list gives the same help as the commands themselves.
 */
import type { Command } from 'commander';
import type { Cli } from './exit.js';

export interface CommandEntry {
  readonly name: string;
  /** Exactly the command's own description and arguments (the help lists them). */
  readonly description: string;
  readonly args: readonly string[];
  /** Whether the command has options (the help then shows "[options]"). */
  readonly options: boolean;
  readonly load: () => Promise<(program: Command, cli: Cli) => void>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'run',
    description: 'replay a scenario file and print the ledgers, bank balances and every step',
    args: ['<file>'],
    options: true,
    load: async () => (await import('./commands/run.js')).registerRun,
  },
  {
    name: 'check',
    description: 'run every scenario under the given files and folders, compare with golden files, report pass/fail',
    args: ['[paths...]'],
    options: true,
    load: async () => (await import('./commands/check.js')).registerCheck,
  },
  {
    name: 'explain',
    description: 'tell the replay step by step: which rule applied and why, and where the coins are',
    args: ['<file>'],
    options: true,
    load: async () => (await import('./commands/explain.js')).registerExplain,
  },
  {
    name: 'compare',
    description: 'replay a scenario under several rulesets and show where payouts differ in amount and timing',
    args: ['<file>'],
    options: true,
    load: async () => (await import('./commands/compare.js')).registerCompare,
  },
  {
    name: 'report',
    description: 'write one self-contained HTML page that shows where every coin went, step by step, with charts',
    args: ['<file>'],
    options: true,
    load: async () => (await import('./commands/report.js')).registerReport,
  },
  {
    name: 'schema',
    description: 'print the JSON Schema of scenario files, or of what a command prints (--output)',
    args: [],
    options: true,
    load: async () => (await import('./commands/schema.js')).registerSchema,
  },
  {
    name: 'rules',
    description: 'list the rulesets: the chain version each replays, its source commits and what differs from the default',
    args: ['[ruleset]'],
    options: true,
    load: async () => (await import('./commands/rules.js')).registerRules,
  },
  {
    name: 'fuzz',
    description: 'generate random valid scenarios from a seed, check invariants, determinism and deferred/immediate, and shrink what fails',
    args: [],
    options: true,
    load: async () => (await import('./commands/fuzz.js')).registerFuzz,
  },
  {
    name: 'sweep',
    description: "replay a scenario at every point of a grid of params and rulesets, and print chosen values of each point's run",
    args: ['<file>'],
    options: true,
    load: async () => (await import('./commands/sweep.js')).registerSweep,
  },
  {
    name: 'explore',
    description: 'check every sequence of events up to a depth, breadth first, and write a shortest scenario for each kind of failure',
    args: [],
    options: true,
    load: async () => (await import('./commands/explore.js')).registerExplore,
  },
];

/**
 * Adds every command to `program`: fully (its module imported) when `wanted` says so, else as a
 * stub that only shows in the command list. A stub never runs: argv names no stubbed command.
 */
export async function registerCommands(program: Command, cli: Cli, wanted: (name: string) => boolean): Promise<void> {
  for (const c of COMMANDS) {
    // one at a time: the commands share modules (and jest's ESM loader links them badly in parallel)
    const register = wanted(c.name) ? await c.load() : undefined;
    if (register !== undefined) {
      register(program, cli);
      continue;
    }
    const stub = program.command(c.name).description(c.description);
    for (const arg of c.args) stub.argument(arg);
    if (c.options) stub.option('--no-color', 'never colour the output');
  }
}
