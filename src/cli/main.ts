/**
 * The command line: parses argv, runs a command, returns the exit code. The only layer that
 * touches files, streams, colour and the environment (through Io).
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { RULE_NAMES, type RuleName } from '../domain/scenario.js';
import { canonicalJson, runToJson } from '../engine/json.js';
import { runScenario } from '../engine/run.js';
import { RULESETS } from '../engine/rules.js';
import { loadScenario } from '../scenario/load.js';
import { renderIssue } from '../scenario/issues.js';
import type { Io } from './io.js';
import { chalkPalette, plain, wantsColour, type Palette } from './palette.js';
import { renderRunReport } from './render/report.js';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_INPUT = 2;
export const EXIT_INTERNAL = 70;

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function parseRules(value: string): RuleName {
  if ((RULE_NAMES as readonly string[]).includes(value)) return value as RuleName;
  throw new InvalidArgumentError(`choose one of: ${RULE_NAMES.join(', ')}`);
}

/** An input problem that stops a command before anything is printed to stdout. */
class InputError extends Error {}

function readScenarioText(file: string, io: Io): string {
  try {
    return file === '-' ? io.readStdin() : io.readFile(file);
  } catch (error) {
    // Duck-typed: errors from node:fs may come from another realm (jest's VM), so no instanceof.
    const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
    const reason = code ?? String(error);
    const why = reason === 'ENOENT' ? 'no such file' : reason === 'EISDIR' ? 'is a directory' : reason;
    throw new InputError(`epochsim: cannot read ${file}: ${why}\n`);
  }
}

interface RunFlags {
  readonly rules?: RuleName;
  readonly json?: boolean;
  readonly color: boolean;
}

function runCommand(file: string, flags: RunFlags, io: Io): number {
  const name = file === '-' ? '<stdin>' : file;
  const text = readScenarioText(file, io);
  const loaded = loadScenario(text, name);
  const errPalette: Palette = wantsColour(io.stderrIsTTY, !flags.color, io.env) ? chalkPalette() : plain;
  if (!loaded.ok) {
    const count = loaded.issues.length;
    const rendered = loaded.issues.map((issue) => renderIssue(issue, text, errPalette)).join('\n');
    io.err(`${rendered}\n${count} error${count === 1 ? '' : 's'} in ${name}; nothing was run\n`);
    return EXIT_INPUT;
  }
  const result = runScenario(loaded.scenario, { rules: flags.rules });
  if (flags.json) {
    io.out(canonicalJson(runToJson(result)));
  } else {
    const palette = wantsColour(io.stdoutIsTTY, !flags.color, io.env) ? chalkPalette() : plain;
    io.out(renderRunReport(result, name, palette));
  }
  return result.ok ? EXIT_OK : EXIT_FAILED;
}

const RUN_HELP = `
Replays the scenario event by event. Each event is a transaction: one that fails changes
nothing and the replay goes on. Invariants (supply, bounds, module surplus) are checked after
every event; checkpoints (- expect:) compare the state where they stand.

Rulesets:
${RULE_NAMES.map((r) => `  ${r.padEnd(10)} ${RULESETS[r].summary}`).join('\n')}

Examples:
  $ epochsim run scenarios/01-deferred-same-epoch.yaml
  $ epochsim run scenarios/01-deferred-same-epoch.yaml --rules immediate
  $ epochsim run scenarios/01-deferred-same-epoch.yaml --json | jq .bank
  $ cat my.yaml | epochsim run -

Exit codes: 0 the run is ok; 1 it ran but an event, checkpoint or invariant failed;
2 the input is invalid (every problem is listed as FILE:LINE:COL, nothing goes to stdout).
`;

export function buildProgram(io: Io, setExit: (code: number) => void): Command {
  const program = new Command('epochsim')
    .description('Deterministic epoch simulator for the devshard payout logic of the Gonka inference chain')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
Example:
  $ epochsim run scenarios/01-deferred-same-epoch.yaml
  $ epochsim run --help`,
    );

  program
    .command('run')
    .description('replay a scenario file and print the ledgers, bank balances and every step')
    .argument('<file>', 'scenario YAML file, or - to read it from stdin')
    .addOption(
      new Option('--rules <ruleset>', `ruleset to replay under, overriding the file's rules: (${RULE_NAMES.join(' | ')})`).argParser(
        parseRules,
      ),
    )
    .option('--json', 'print the run as one JSON object (the scenario format, section 7)')
    .option('--no-color', 'never colour the output (colour is used only on a terminal; NO_COLOR is honoured)')
    .addHelpText('after', RUN_HELP)
    .action((file: string, flags: RunFlags) => {
      setExit(runCommand(file, flags, io));
    });

  return program;
}

/** Runs the CLI and returns the exit code; never calls process.exit. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  let exitCode = EXIT_OK;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    if (argv.length === 0) {
      program.outputHelp({ error: true });
      return EXIT_INPUT;
    }
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      const quiet = ['commander.helpDisplayed', 'commander.help', 'commander.version'];
      return quiet.includes(error.code) ? EXIT_OK : EXIT_INPUT;
    }
    if (error instanceof InputError) {
      io.err(error.message);
      return EXIT_INPUT;
    }
    io.err(`epochsim: internal error (a bug; please report it with the scenario)\n${error instanceof Error ? error.stack : String(error)}\n`);
    return EXIT_INTERNAL;
  }
}
