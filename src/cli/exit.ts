/**
 * The exit codes, the input error and what a command gets from the program: what main.ts needs
 * before any command is loaded, kept free of heavy imports (see commands.ts).
 */
import type { Io } from './io.js';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_INPUT = 2;
export const EXIT_INTERNAL = 70;

/** What a command needs from the program: the process window and a way to set the exit code. */
export interface Cli {
  readonly io: Io;
  readonly setExit: (code: number) => void;
}

/** An input problem that stops a command before anything is printed to stdout. */
export class InputError extends Error {}
