/**
 * The CLI's window on the process: files, output streams, the terminal, the clock and the
 * environment. Commands receive an Io, so tests can run them without touching the real process.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What a path names. Symbolic links are followed; anything that is not a folder counts as a file. */
export type PathKind = 'file' | 'directory' | 'missing';

/** One entry of a folder. A symbolic link to a folder is `link` (never followed, so no loops). */
export interface DirEntry {
  readonly name: string;
  readonly kind: 'file' | 'directory' | 'link';
}

export interface Io {
  readonly readFile: (path: string) => string;
  readonly readStdin: () => string;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly stdoutIsTTY: boolean;
  readonly stderrIsTTY: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** A monotonic clock in nanoseconds (only differences mean anything). */
  readonly now: () => bigint;
  readonly pathKind: (path: string) => PathKind;
  /** The entries of a folder, in no particular order; throws like readdir when it cannot. */
  readonly listDir: (path: string) => readonly DirEntry[];
  /** Writes a UTF-8 file, replacing it; throws like writeFile when it cannot. */
  readonly writeFile: (path: string, text: string) => void;
  /** Creates a folder and its parents; nothing happens when it exists. */
  readonly mkdir: (path: string) => void;
}

function nodePathKind(path: string): PathKind {
  try {
    return statSync(path).isDirectory() ? 'directory' : 'file';
  } catch {
    return 'missing';
  }
}

export function nodeIo(): Io {
  // A reader that stops early (`epochsim explain … | head`) closes the pipe: that is not an
  // error of ours, so end quietly instead of crashing on EPIPE.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
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
    now: () => process.hrtime.bigint(),
    pathKind: nodePathKind,
    listDir: (path) =>
      readdirSync(path, { withFileTypes: true }).map((d): DirEntry => {
        if (d.isDirectory()) return { name: d.name, kind: 'directory' };
        if (d.isSymbolicLink() && nodePathKind(join(path, d.name)) === 'directory') return { name: d.name, kind: 'link' };
        return { name: d.name, kind: 'file' };
      }),
    writeFile: (path, text) => writeFileSync(path, text, 'utf8'),
    mkdir: (path) => {
      mkdirSync(path, { recursive: true });
    },
  };
}
