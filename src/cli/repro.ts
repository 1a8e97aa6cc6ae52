/**
 * What the commands that search for failures share (fuzz, explore): the --rules list, integer
 * options, the --out folder, and writing a failing scenario with the commands that replay it.
 */
import { posix } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { RULE_NAMES, type RuleName } from '../domain/scenario.js';
import { describeError } from './oserror.js';
import { InputError, OutputError, type Cli } from './exit.js';

/** `--rules a,b` or `all`: distinct known rulesets. */
export function parseRulesArg(value: string): RuleName[] {
  if (value.trim() === 'all') return [...RULE_NAMES];
  const names = value.split(',').map((s) => s.trim());
  const unknown = names.filter((n) => !(RULE_NAMES as readonly string[]).includes(n));
  if (unknown.length > 0) throw new InvalidArgumentError(`unknown ruleset ${unknown.join(', ')}; choose from: ${RULE_NAMES.join(', ')}, or all`);
  if (new Set(names).size !== names.length) throw new InvalidArgumentError('each ruleset may be named once');
  return names as RuleName[];
}

/** The --rules text that names `rules` (`all` for every ruleset). */
export const rulesText = (rules: readonly RuleName[]): string => (rules.length === RULE_NAMES.length ? 'all' : rules.join(','));

export const intArg =
  (what: string, min: number, max: number) =>
  (value: string): number => {
    if (!/^[0-9]+$/.test(value.trim())) throw new InvalidArgumentError(`${what} must be an integer from ${min} to ${max}`);
    const n = Number(value.trim());
    if (!Number.isSafeInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${what} must be an integer from ${min} to ${max}`);
    return n;
  };

export const fileSafe = (s: string): string => s.replace(/[^A-Za-z0-9._-]+/g, '-');

/** The command that replays a failing scenario: `compare` for the differential, else `run`. */
export function replayCommand(property: string, rules: string, file: string): string {
  if (property === 'differential') return `epochsim compare ${file} --rules ${rules.replace('/', ',')}`;
  return `epochsim run ${file} --rules ${rules.split('/')[0] ?? rules}`;
}

/**
 * Refuses an --out that cannot be a folder (a file, or a path through one) before anything is
 * printed; the folder itself is made when the first failure is written.
 */
export function checkOutFolder(io: Cli['io'], out: string): void {
  for (let at = out; ; at = posix.dirname(at)) {
    const kind = io.pathKind(at);
    if (kind === 'directory') return;
    if (kind === 'file') {
      throw new InputError(`epochsim: --out ${out}: ${at === out ? 'it is a file' : `${at} is a file`}, not a folder\n`);
    }
    if (posix.dirname(at) === at) return;
  }
}

/** Writes a failing scenario into `out` (whole or not at all); a failed write is an OutputError. */
export function writeScenarioFile(cli: Cli, out: string, file: string, text: string): void {
  try {
    cli.io.mkdir(out);
    cli.io.writeFile(file, text);
  } catch (error) {
    throw new OutputError(`epochsim: cannot write ${file}: ${describeError(error, file)}\n`);
  }
}

/** `1,234,567`. */
export const thousands = (n: number): string => n.toLocaleString('en-US');

/** Items per second, or — when no time passed. */
export function rate(items: number, ns: bigint): string {
  if (ns <= 0n) return '—';
  return thousands(Math.round((items * 1e9) / Number(ns)));
}

export function seconds(ns: bigint): string {
  return (Number(ns) / 1e9).toFixed(3);
}
