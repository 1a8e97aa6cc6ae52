/**
 * The CLI's window on the process: files, output streams, the terminal and the environment.
 * Commands receive an Io, so tests can run them without touching the real process.
 */
import { readFileSync } from 'node:fs';

export interface Io {
  readonly readFile: (path: string) => string;
  readonly readStdin: () => string;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly stdoutIsTTY: boolean;
  readonly stderrIsTTY: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export function nodeIo(): Io {
  return {
    readFile: (path) => readFileSync(path, 'utf8'),
    readStdin: () => readFileSync(0, 'utf8'),
    out: (text) => {
      process.stdout.write(text);
    },
    err: (text) => {
      process.stderr.write(text);
    },
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    env: process.env,
  };
}
