/**
 * The command line: parses argv, runs a command, returns the exit code. The only layer that
 * touches files, streams, colour and the environment (through Io).
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { registerCheck } from './commands/check.js';
import { registerCompare } from './commands/compare.js';
import { registerExplain } from './commands/explain.js';
import { registerRules } from './commands/rules.js';
import { registerRun } from './commands/run.js';
import { registerSchema } from './commands/schema.js';
import type { Io } from './io.js';
import { EXIT_INPUT, EXIT_INTERNAL, EXIT_OK, InputError, type Cli } from './shared.js';

export { EXIT_FAILED, EXIT_INPUT, EXIT_INTERNAL, EXIT_OK } from './shared.js';

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export function buildProgram(cli: Cli): Command {
  const program = new Command('epochsim')
    .description('Deterministic epoch simulator for the devshard payout logic of the Gonka inference chain')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .exitOverride()
    .configureOutput({ writeOut: cli.io.out, writeErr: cli.io.err })
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
Examples:
  $ epochsim run scenarios/01-deferred-same-epoch.yaml
  $ epochsim check scenarios/ --golden scenarios/expected --junit out.xml
  $ epochsim explain scenarios/03-cross-epoch-unclaimed.yaml --step 5
  $ epochsim compare scenarios/01-deferred-same-epoch.yaml --rules deferred,immediate
  $ epochsim schema > scenario.schema.json
  $ epochsim rules pr-1000
Every command reads a scenario from stdin when the file name is -.
`,
    );
  registerRun(program, cli);
  registerCheck(program, cli);
  registerExplain(program, cli);
  registerCompare(program, cli);
  registerSchema(program, cli);
  registerRules(program, cli);
  return program;
}

/** Runs the CLI and returns the exit code; never calls process.exit. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  let exitCode = EXIT_OK;
  const program = buildProgram({
    io,
    setExit: (code) => {
      exitCode = code;
    },
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
