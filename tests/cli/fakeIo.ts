import { readdirSync, readFileSync, statSync } from 'node:fs';
import { NOT_A_FILE, TOO_LARGE, utf8Chunks } from '../../src/cli/io.js';
import { posix } from 'node:path';
import type { DirEntry, InterruptSignal, Io, PathKind } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const MS = 1_000_000n;

/** `a/./b/` → `a/b`: the key under which the fake keeps a path. */
const norm = (path: string): string => {
  const n = posix.normalize(path);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
};

function diskKind(path: string): PathKind {
  try {
    return statSync(path).isDirectory() ? 'directory' : 'file';
  } catch {
    return 'missing';
  }
}

/** What a test can make the fake process do. */
export interface CliOptions {
  readonly files?: Record<string, string>;
  readonly stdin?: string | Uint8Array;
  readonly tty?: boolean;
  readonly env?: Record<string, string>;
  /** The code of an error every write to stdout fails with (ENOSPC: a full disk). */
  readonly stdoutError?: string;
  /** The code of an error writing a file or making a folder fails with, by path. */
  readonly writeErrors?: Record<string, string>;
  /** Ctrl-C after this many breaths (Io.breathe) of long work. */
  readonly interruptAfter?: number;
  /** The signal of that interrupt (default SIGINT, Ctrl-C). */
  readonly interruptSignal?: InterruptSignal;
  /** How many bytes of a file Io.readChunks reads at a time (default 5, so characters are cut). */
  readonly chunkBytes?: number;
  /** Counts the temporary files (Io.tempFile) the CLI makes; `failWith`: the code appending to one fails with. */
  readonly temps?: TempStats;
}

/** What became of the temporary files of a run (filled in by the fake). */
export interface TempStats {
  created: number;
  /** Created and not removed yet. */
  live: number;
  /** Bytes appended, over all of them. */
  bytes: number;
  readonly failWith?: string;
}

const bytesWithin = (bytes: Uint8Array, limit: number): Uint8Array => {
  if (bytes.length > limit) throw Object.assign(new Error('too large'), { code: TOO_LARGE });
  return bytes;
};

/** `bytes` in chunks of `size` bytes, cut as they are asked for. */
function* chunksOf(bytes: () => Uint8Array, size: number): Generator<Uint8Array> {
  const all = bytes();
  for (let i = 0; i < all.length; i += size) yield all.subarray(i, i + size);
}

/**
 * Runs the CLI in-process with captured streams. Files are read from disk unless `files` has
 * them; files written by the CLI go into `files` (never to disk), so a test can pass the same
 * map to a second run and read what the first one wrote. A folder exists when it is on disk,
 * when an in-memory file lies under it, or when the CLI created it. The clock starts at 0 and
 * advances 1 ms each time it is read. The progress line goes to stderr, as on a terminal.
 */
export async function runCli(argv: string[], opts: CliOptions = {}): Promise<CliResult> {
  const fake = fakeIo(opts);
  const code = await main(argv, fake.io);
  return { code, ...fake.output() };
}

/** The fake process window runCli gives main (see there), for tests that call a command's parts directly. */
export function fakeIo(opts: CliOptions = {}): { io: Io; output: () => { stdout: string; stderr: string } } {
  let stdout = '';
  let stderr = '';
  let clock = 0n;
  const files = opts.files ?? {};
  const dirs = new Set<string>();
  const inline = (path: string): string | undefined => files[path] ?? files[norm(path)];
  const memoryDir = (path: string): boolean => {
    const dir = norm(path);
    const prefix = dir === '.' ? '' : `${dir}/`;
    return dirs.has(dir) || Object.keys(files).some((f) => norm(f).startsWith(prefix));
  };
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let interrupt: ((signal: InterruptSignal) => void) | undefined;
  let breaths = 0;
  /** The configured error of writing `path`; a folder's names the parent that refused it, as Io.mkdir's does. */
  const failWrite = (path: string, folder = false): void => {
    const code = opts.writeErrors?.[norm(path)];
    if (code === undefined) return;
    const error = Object.assign(new Error(`${code}: failed, write '${path}'`), { code, path: norm(path) });
    throw folder ? Object.assign(error, { parent: posix.dirname(norm(path)) }) : error;
  };
  const io: Io = {
    readBytes: (path, limit) => {
      const text = inline(path);
      return bytesWithin(text !== undefined ? Buffer.from(text, 'utf8') : readFileSync(path), limit);
    },
    readChunks: (path, limit) => {
      const text = inline(path);
      const bytes = (): Uint8Array => {
        if (text === undefined && diskKind(path) === 'directory') throw Object.assign(new Error(`not a regular file: ${path}`), { code: NOT_A_FILE });
        return bytesWithin(text !== undefined ? Buffer.from(text, 'utf8') : readFileSync(path), limit);
      };
      return utf8Chunks(chunksOf(bytes, opts.chunkBytes ?? 5));
    },
    readStdinBytes: (limit) => bytesWithin(typeof opts.stdin === 'string' ? Buffer.from(opts.stdin, 'utf8') : (opts.stdin ?? new Uint8Array()), limit),
    out: (t) => {
      stdout += t;
    },
    err: (t) => {
      stderr += t;
    },
    progress: (t) => {
      stderr += t;
    },
    outSafe: async (data) => {
      // bytes as a stream: a character may fall across two chunks of a temporary file
      stdout += typeof data === 'string' ? data : decoder.decode(data, { stream: true });
      return opts.stdoutError === undefined;
    },
    tempFile: () => {
      const stats = opts.temps;
      if (stats) {
        stats.created++;
        stats.live++;
      }
      let chunks: Buffer[] = [];
      let removed = false;
      return {
        append: (data) => {
          if (stats?.failWith !== undefined) throw Object.assign(new Error(`${stats.failWith}: failed, write`), { code: stats.failWith });
          const bytes = Buffer.from(data);
          if (stats) stats.bytes += bytes.length;
          chunks.push(bytes);
        },
        // (in two pieces, so a multi-byte character can fall across chunks as it does on disk)
        read: () => {
          const all = Buffer.concat(chunks);
          const half = Math.floor(all.length / 2);
          return [all.subarray(0, half), all.subarray(half)];
        },
        remove: () => {
          if (!removed && stats) stats.live--;
          removed = true;
          chunks = [];
        },
      };
    },
    flush: async () => (opts.stdoutError !== undefined && stdout !== '' ? Object.assign(new Error('write failed'), { code: opts.stdoutError }) : undefined),
    stdoutIsTTY: opts.tty ?? false,
    stderrIsTTY: opts.tty ?? false,
    env: opts.env ?? {},
    now: () => {
      const t = clock;
      clock += MS;
      return t;
    },
    pathKind: (path) => (inline(path) !== undefined ? 'file' : memoryDir(path) ? 'directory' : diskKind(path)),
    fileId: (path) => {
      if (inline(path) !== undefined) return `memory:${posix.resolve(norm(path))}`;
      try {
        const s = statSync(path);
        return `${s.dev}:${s.ino}`;
      } catch {
        return undefined;
      }
    },
    listDir: (path) => {
      const dir = norm(path);
      const prefix = dir === '.' ? '' : `${dir}/`;
      const entries = new Map<string, DirEntry>();
      if (diskKind(path) === 'directory') {
        for (const d of readdirSync(path, { withFileTypes: true })) {
          entries.set(d.name, { name: d.name, kind: d.isDirectory() ? 'directory' : 'file' });
        }
      } else if (!memoryDir(path)) {
        throw Object.assign(new Error(`ENOENT: no such file or directory, scandir '${path}'`), { code: 'ENOENT' });
      }
      for (const f of [...Object.keys(files).map(norm), ...dirs]) {
        if (!f.startsWith(prefix) || f === dir) continue;
        const [name, ...rest] = f.slice(prefix.length).split('/');
        if (name === undefined || name === '') continue;
        const isDir = rest.length > 0 || dirs.has(f);
        entries.set(name, { name, kind: isDir ? 'directory' : 'file' });
      }
      return [...entries.values()];
    },
    writeFile: (path, text) => {
      failWrite(path);
      files[norm(path)] = text;
    },
    removeFile: (path) => {
      delete files[norm(path)];
    },
    onInterrupt: (handler) => {
      interrupt = handler;
      return () => {
        interrupt = undefined;
      };
    },
    breathe: async () => {
      breaths++;
      if (breaths === opts.interruptAfter) interrupt?.(opts.interruptSignal ?? 'SIGINT');
    },
    mkdir: (path) => {
      const parts = norm(path).split('/');
      for (let i = 1; i <= parts.length; i++) {
        const dir = parts.slice(0, i).join('/');
        if (inline(dir) !== undefined) throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${path}'`), { code: 'ENOTDIR', path: dir });
        if (!dirs.has(dir) && !memoryDir(dir) && diskKind(dir) === 'missing') failWrite(dir, true);
        dirs.add(dir);
      }
    },
  };
  return { io, output: () => ({ stdout, stderr }) };
}

/** A scenario with two input errors: a misspelt event and an undeclared participant (also the README's example). */
export const BAD_SCENARIO = [
  'name: bad',
  'participants:',
  '  h1: { weight: 100 }',
  'events:',
  '  - sttle_escrow: { escrow: 1, hosts: [] }',
  '  - claim_reward: { participant: h2, epoch: 1 }',
].join('\n');
