/**
 * `epochsim rules [RULESET]`: every ruleset with the chain version it replays, the commits its
 * rules were read from, and what differs from the default, one line per difference.
 */
import type { Command } from 'commander';
import { RULE_NAMES, type RuleName } from '../../domain/scenario.js';
import { DEFAULT_RULES } from '../../engine/rules/registry.js';
import { RULESET_WORDS } from '../../words/rulesets.js';
import type { Palette } from '../palette.js';
import { EXIT_OK, parseRules, stdoutPalette, type Cli } from '../shared.js';

interface RulesFlags {
  readonly color: boolean;
}

const HELP = `
Each ruleset is a version of the chain's payout logic; pick one with --rules NAME on run,
check, explain and compare, or with rules: NAME in a scenario. deferred and immediate are the
two v1 rulesets (PR #1000 as settled in its review, and the chain just before it); the others
replay a chain version as it was coded, known bugs included, and report the value it leaks or
traps as a known divergence with its amount.

Examples:
  $ epochsim rules
  $ epochsim rules pr-1000
  $ epochsim compare scenarios/20-one-story-six-versions.yaml --rules pr-1000,v0.2.12
`;

export function renderRuleset(name: RuleName, p: Palette): string {
  const r = RULESET_WORDS[name];
  const lines = [`${p.bold(name)}${name === DEFAULT_RULES ? ' (default)' : ''}  ${r.summary}`];
  lines.push(`  version  ${r.version.label}`);
  for (const source of r.version.sources) lines.push(`  source   ${source}`);
  if (r.differences.length === 0) {
    lines.push(`  differs  nothing: this is the default`);
  } else {
    lines.push(`  differs from ${DEFAULT_RULES}:`);
    for (const d of r.differences) lines.push(`    - ${d}`);
  }
  return lines.join('\n');
}

export function renderRules(names: readonly RuleName[], p: Palette): string {
  return `${names.map((n) => renderRuleset(n, p)).join('\n\n')}\n`;
}

export function registerRules(program: Command, cli: Cli): void {
  program
    .command('rules')
    .description('list the rulesets: the chain version each replays, its source commits and what differs from the default')
    .argument('[ruleset]', `one ruleset to show (${RULE_NAMES.join(', ')})`, parseRules)
    .option('--no-color', 'never colour the output (colour is used only on a terminal; NO_COLOR is honoured)')
    .addHelpText('after', HELP)
    .action((name: RuleName | undefined, flags: RulesFlags) => {
      cli.io.out(renderRules(name === undefined ? RULE_NAMES : [name], stdoutPalette(cli.io, flags.color)));
      cli.setExit(EXIT_OK);
    });
}
