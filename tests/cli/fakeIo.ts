import { readdirSync, readFileSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import type { DirEntry, Io, PathKind } from '../../src/cli/io.js';
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

/**
 * Runs the CLI in-process with captured streams. Files are read from disk unless `files` has
 * them; files written by the CLI go into `files` (never to disk), so a test can pass the same
 * map to a second run and read what the first one wrote. A folder exists when it is on disk,
 * when an in-memory file lies under it, or when the CLI created it. The clock starts at 0 and
 * advances 1 ms each time it is read.
 */
export async function runCli(
  argv: string[],
  opts: { files?: Record<string, string>; stdin?: string; tty?: boolean; env?: Record<string, string> } = {},
): Promise<CliResult> {
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
  const io: Io = {
    readFile: (path) => inline(path) ?? readFileSync(path, 'utf8'),
    readStdin: () => opts.stdin ?? '',
    out: (t) => {
      stdout += t;
    },
    err: (t) => {
      stderr += t;
    },
    stdoutIsTTY: opts.tty ?? false,
    stderrIsTTY: opts.tty ?? false,
    env: opts.env ?? {},
    now: () => {
      const t = clock;
      clock += MS;
      return t;
    },
    pathKind: (path) => (inline(path) !== undefined ? 'file' : memoryDir(path) ? 'directory' : diskKind(path)),
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
      files[norm(path)] = text;
    },
    mkdir: (path) => {
      const parts = norm(path).split('/');
      for (let i = 1; i <= parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
    },
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
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
