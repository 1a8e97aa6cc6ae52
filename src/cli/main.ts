/**
 * The command line: parses argv, runs a command, returns the exit code. The only layer that
 * touches files, streams, colour and the environment (through Io).
 */
import { Command, CommanderError } from 'commander';
import { registerCommands } from './commands.js';
import { EXIT_FAILED, EXIT_INPUT, EXIT_INTERNAL, EXIT_OK, EXIT_OUTPUT, InputError, OutputError, type Cli } from './exit.js';
import type { Io } from './io.js';
import { describeError } from './oserror.js';
import { terminalSafe } from './terminal.js';
import { packageVersion } from './version.js';

export { EXIT_FAILED, EXIT_INPUT, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK, EXIT_OUTPUT } from './exit.js';

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
    // a command's options stop at its subcommand: `fuzz merge … --report F` is merge's --report
    .enablePositionalOptions()
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
  $ epochsim report scenarios/03-cross-epoch-unclaimed.yaml
  $ epochsim schema > scenario.schema.json
  $ epochsim rules pr-1000
Every command reads a scenario from stdin when the file name is -.
`,
    );
  await registerCommands(program, cli, wanted);
  return program;
}

/**
 * Runs the CLI and returns the exit code; never calls process.exit. Everything written to
 * stdout and stderr is made terminal-safe (terminal.ts). When stdout could not be written, that
 * is said in one line on stderr and the exit code is EXIT_OUTPUT rather than 0 or 1.
 */
export async function main(argv: readonly string[], outer: Io): Promise<number> {
  const io: Io = { ...outer, out: (text) => outer.out(terminalSafe(text)), err: (text) => outer.err(terminalSafe(text)) };
  const code = await run(argv, io);
  const failure = await io.flush();
  if (failure === undefined) return code;
  const why = failure.code === 'EBADF' ? 'stdout is closed' : `writing to stdout failed: ${describeError(failure)}`;
  io.err(`epochsim: the output was lost: ${why}\n`);
  return code === EXIT_OK || code === EXIT_FAILED ? EXIT_OUTPUT : code;
}

async function run(argv: readonly string[], io: Io): Promise<number> {
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
    if (error instanceof OutputError) {
      io.err(error.message);
      return EXIT_OUTPUT;
    }
    io.err(`epochsim: internal error (a bug; please report it with the scenario)\n${error instanceof Error ? error.stack : String(error)}\n`);
    return EXIT_INTERNAL;
  }
}
