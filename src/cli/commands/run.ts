/**
 * `epochsim run FILE`: replay one scenario and print the report or the contract's JSON.
 */
import { Option, type Command } from 'commander';
import { RULE_NAMES, type RuleName, type Scenario } from '../../domain/scenario.js';
import { writeRunJson } from '../runJson.js';
import { streamForCommand } from '../streamLoad.js';
import { RULESET_WORDS } from '../../words/rulesets.js';
import { runScenario } from '../../engine/replay/run.js';
import { renderDivergences, withDivergences } from '../divergences.js';
import { renderRunReport } from '../render/report.js';
import { EXIT_FAILED, EXIT_INPUT, EXIT_OK, loadForCommand, maxSizeOption, strictUnitsOption, parseRules, sourceName, stdoutPalette, type Cli } from '../shared.js';

interface RunFlags {
  readonly rules?: RuleName;
  readonly json?: boolean;
  readonly maxSize?: number;
  readonly strictUnits?: boolean;
  readonly color: boolean;
}

const HELP = `
Replays the scenario event by event. Each event is a transaction: one that fails changes
nothing and the replay goes on. Invariants (supply, bounds, module surplus) are checked after
every event; checkpoints (- expect:) compare the state where they stand.

Rulesets (epochsim rules lists each one's chain version and differences):
${RULE_NAMES.map((r) => `  ${r.padEnd(11)} ${RULESET_WORDS[r].summary}`).join('\n')}
Under a chain version (every ruleset but deferred and immediate), value that version really
leaves in the inference module is reported as a known divergence, with its amount and the
chain issue or review point it comes from: a finding, not a violation.

Examples:
  $ epochsim run scenarios/01-deferred-same-epoch.yaml
  $ epochsim run scenarios/02-immediate-same-epoch.yaml --rules deferred   # exit 1: its checkpoints are immediate's
  $ epochsim run scenarios/01-deferred-same-epoch.yaml --json | jq .bank
  $ cat scenarios/03-cross-epoch-unclaimed.yaml | epochsim run -

Exit codes: 0 the run is ok; 1 it ran but an event, checkpoint or invariant failed;
2 the input is invalid (every problem is listed as FILE:LINE:COL, nothing goes to stdout);
74 stdout could not be written (a full disk, a closed stdout), or --json's temporary file
(it holds the steps until the run ends; TMPDIR names its folder); 130 Ctrl-C while printing.
`;

export async function runCommand(file: string, flags: RunFlags, cli: Cli): Promise<number> {
  const { io } = cli;
  if (flags.json) {
    const load = (): Scenario | undefined => loadForCommand(file, io, flags.color, flags.maxSize, flags.strictUnits);
    // A file is streamed where it can be (its events read as the replay goes: memory bounded by
    // the chain state); anything else, and any problem, is read whole and reported as usual.
    return writeRunJson(() => streamForCommand(file, io, flags.maxSize, flags.strictUnits) ?? load(), load, { rules: flags.rules }, io);
  }
  const scenario = loadForCommand(file, io, flags.color, flags.maxSize, flags.strictUnits);
  if (!scenario) return EXIT_INPUT;
  const result = runScenario(scenario, { rules: flags.rules });
  const p = stdoutPalette(io, flags.color);
  io.out(withDivergences(renderRunReport(result, sourceName(file), p), renderDivergences(result, p)));
  return result.ok ? EXIT_OK : EXIT_FAILED;
}

export function registerRun(program: Command, cli: Cli): void {
  program
    .command('run')
    .description('replay a scenario file and print the ledgers, bank balances and every step')
    .argument('<file>', 'scenario YAML file, or - to read it from stdin')
    .addOption(
      new Option('--rules <ruleset>', `ruleset to replay under, overriding the file's rules: (${RULE_NAMES.join(' | ')})`).argParser(
        parseRules,
      ),
    )
    .option('--json', 'print the run as one JSON object (docs/reference/json.md)')
    .addOption(maxSizeOption())
    .addOption(strictUnitsOption())
    .option('--no-color', 'never colour the output (colour is used only on a terminal; NO_COLOR is honoured)')
    .addHelpText('after', HELP)
    .action(async (file: string, flags: RunFlags) => {
      cli.setExit(await runCommand(file, flags, cli));
    });
}
