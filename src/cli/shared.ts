/**
 * What every command shares: reading a scenario (a file or stdin), reporting input errors the
 * one way the contract allows, the colour policy, the ruleset options and the exit codes.
 */
import { InvalidArgumentError } from 'commander';
import { RULE_NAMES, type RuleName, type Scenario } from '../domain/scenario.js';
import { renderIssue } from '../scenario/issues.js';
import { loadScenario } from '../scenario/load.js';
import type { Io } from './io.js';
import { chalkPalette, plain, wantsColour, type Palette } from './palette.js';

import { InputError } from './exit.js';

export { EXIT_FAILED, EXIT_INPUT, EXIT_INTERNAL, EXIT_OK, InputError, type Cli } from './exit.js';

export function parseRules(value: string): RuleName {
  if ((RULE_NAMES as readonly string[]).includes(value)) return value as RuleName;
  throw new InvalidArgumentError(`choose one of: ${RULE_NAMES.join(', ')}`);
}

/** `a,b[,c]`: two or more distinct rulesets. */
export function parseRulesList(value: string): RuleName[] {
  const names = value.split(',').map((s) => s.trim());
  const unknown = names.filter((n) => !(RULE_NAMES as readonly string[]).includes(n));
  if (unknown.length > 0) throw new InvalidArgumentError(`unknown ruleset ${unknown.join(', ')}; choose from: ${RULE_NAMES.join(', ')}`);
  if (new Set(names).size !== names.length) throw new InvalidArgumentError('each ruleset may be named once');
  if (names.length < 2) throw new InvalidArgumentError('name at least two rulesets, e.g. deferred,immediate');
  return names as RuleName[];
}

/** The display name of a scenario source: `-` is stdin. */
export const sourceName = (file: string): string => (file === '-' ? '<stdin>' : file);

export function readScenarioText(file: string, io: Io): string {
  try {
    return file === '-' ? io.readStdin() : io.readFile(file);
  } catch (error) {
    // Duck-typed: errors from node:fs may come from another realm (jest's VM), so no instanceof.
    const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (code ?? String(error));
    throw new InputError(`epochsim: cannot read ${file}: ${why}\n`);
  }
}

export function stdoutPalette(io: Io, colour: boolean): Palette {
  return wantsColour(io.stdoutIsTTY, !colour, io.env) ? chalkPalette() : plain;
}

export function stderrPalette(io: Io, colour: boolean): Palette {
  return wantsColour(io.stderrIsTTY, !colour, io.env) ? chalkPalette() : plain;
}

/** Renders every input issue of `text`, then the count line: the one format of input errors. */
export function renderInputErrors(
  issues: Parameters<typeof renderIssue>[0][],
  text: string,
  name: string,
  p: Palette,
): string {
  const rendered = issues.map((issue) => renderIssue(issue, text, p)).join('\n');
  return `${rendered}\n${issues.length} error${issues.length === 1 ? '' : 's'} in ${name}; nothing was run\n`;
}

/**
 * Reads and loads one scenario for a command. On input errors they all go to stderr and the
 * result is undefined: the caller exits 2 with nothing on stdout.
 */
export function loadForCommand(file: string, io: Io, colour: boolean): Scenario | undefined {
  const text = readScenarioText(file, io);
  const name = sourceName(file);
  const loaded = loadScenario(text, name);
  if (loaded.ok) return loaded.scenario;
  io.err(renderInputErrors([...loaded.issues], text, name, stderrPalette(io, colour)));
  return undefined;
}
