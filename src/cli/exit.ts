/**
 * The exit codes, the input error and what a command gets from the program: what main.ts needs
 * before any command is loaded, kept free of heavy imports (see commands.ts).
 */
import type { Io } from './io.js';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_INPUT = 2;
/** A bug (sysexits' EX_SOFTWARE). */
export const EXIT_INTERNAL = 70;
/** The output could not be written: stdout failed (a full disk, a closed stdout), or a report (sysexits' EX_IOERR). */
export const EXIT_OUTPUT = 74;
/** Stopped by Ctrl-C (128 + SIGINT), after saying what was done. */
export const EXIT_INTERRUPTED = 130;
/** Stopped by SIGTERM (128 + 15: a scheduler ending the job), after saying what was done. */
export const EXIT_TERMINATED = 143;

/** What a command needs from the program: the process window and a way to set the exit code. */
export interface Cli {
  readonly io: Io;
  readonly setExit: (code: number) => void;
}

/** An input problem that stops a command before anything is printed to stdout. */
export class InputError extends Error {}

/** An output the command could not write (a report, a file): its message, then EXIT_OUTPUT. */
export class OutputError extends Error {}
