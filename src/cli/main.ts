/**
 * The command line: parses argv, runs a command, returns the exit code. The only layer that
 * touches files, streams, colour and the environment (through Io).
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { registerCommands } from './commands.js';
import { EXIT_INPUT, EXIT_INTERNAL, EXIT_OK, InputError, type Cli } from './exit.js';
import type { Io } from './io.js';

export { EXIT_FAILED, EXIT_INPUT, EXIT_INTERNAL, EXIT_OK } from './exit.js';

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/**
 * The program with every command; only the commands `wanted` names are loaded (by default all),
 * the others are listed in the help without their module being imported.
 */
export async function buildProgram(cli: Cli, wanted: (name: string) => boolean = () => true): Promise<Command> {
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
  await registerCommands(program, cli, wanted);
  return program;
}

/** Runs the CLI and returns the exit code; never calls process.exit. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  let exitCode = EXIT_OK;
  try {
    // Only the commands argv names are loaded (`help run` and `run --help` included).
    const program = await buildProgram(
      {
        io,
        setExit: (code) => {
          exitCode = code;
        },
      },
      (name) => argv.includes(name),
    );
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
