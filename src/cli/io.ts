/**
 * The CLI's window on the process: files, output streams, the terminal, the clock and the
 * environment. Commands receive an Io, so tests can run them without touching the real process.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';

/** What a path names. Symbolic links are followed; anything that is not a folder counts as a file. */
export type PathKind = 'file' | 'directory' | 'missing';

/**
 * One entry of a folder. A symbolic link to a folder is `link` (never followed, so no loops); a
 * pipe, socket or device is `special` (reading a pipe waits for a writer: a folder scan must not).
 */
export interface DirEntry {
  readonly name: string;
  readonly kind: 'file' | 'directory' | 'link' | 'special';
}

/** The code of the error readBytes and readStdinBytes throw for more than `limit` bytes. */
export const TOO_LARGE = 'EPOCHSIM_TOO_LARGE';

/** The code of the error readChunks throws for a path that is not a regular file. */
export const NOT_A_FILE = 'EPOCHSIM_NOT_A_FILE';

/** The signals a long command stops at cleanly. */
export type InterruptSignal = 'SIGINT' | 'SIGTERM';

/**
 * A temporary file only this process can see: created exclusively with mode 0600 in the system's
 * temporary folder, and (where the system allows it) unlinked at once, so nothing is left behind
 * even when the process is killed.
 */
export interface TempFile {
  /** Appends bytes; throws like writeFile when it cannot (a full disk). */
  readonly append: (bytes: Uint8Array) => void;
  /** Everything appended so far, in chunks of at most a MiB. */
  readonly read: () => Iterable<Uint8Array>;
  /** Closes and removes it; nothing happens the second time. */
  readonly remove: () => void;
}

export interface Io {
  /** A file's bytes; throws like readFile when it cannot, and with code TOO_LARGE past `limit` bytes. */
  readonly readBytes: (path: string, limit: number) => Uint8Array;
  /**
   * A regular file's text, decoded from UTF-8 as it is read, in chunks of any length (read only
   * as they are asked for; the file is closed at the end or when the iteration stops). Throws
   * like readBytes (code TOO_LARGE past `limit` bytes), with code NOT_A_FILE for anything but a
   * regular file (a pipe could not be read twice), and a TypeError for bytes that are not UTF-8.
   */
  readonly readChunks: (path: string, limit: number) => Iterable<string>;
  /** Standard input to its end, however slowly it comes; code TOO_LARGE past `limit` bytes. */
  readonly readStdinBytes: (limit: number) => Uint8Array;
  /** Writes to stdout. A failed write is never thrown: `flush` reports it. */
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** The terminal's progress line on stderr (written as is: carriage returns and erase codes). */
  readonly progress: (text: string) => void;
  /**
   * Writes text that is already terminal-safe (terminal.ts; main.ts does not escape it again) to
   * stdout after what `out` wrote, and resolves when the stream can take more (backpressure).
   * Never throws: false once a write has failed or stdout is gone (`flush` says why).
   */
  readonly outSafe: (data: string | Uint8Array) => Promise<boolean>;
  /** A new temporary file (see TempFile); throws like open when it cannot. */
  readonly tempFile: () => TempFile;
  /** Waits until what `out` wrote is written; the error of the first write that failed, if any. */
  readonly flush: () => Promise<NodeJS.ErrnoException | undefined>;
  readonly stdoutIsTTY: boolean;
  readonly stderrIsTTY: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** A monotonic clock in nanoseconds (only differences mean anything). */
  readonly now: () => bigint;
  readonly pathKind: (path: string) => PathKind;
  /** The file a path names (device and inode), or undefined when it names none: to tell one file by two paths. */
  readonly fileId: (path: string) => string | undefined;
  /** The entries of a folder, in no particular order; throws like readdir when it cannot. */
  readonly listDir: (path: string) => readonly DirEntry[];
  /**
   * Writes a UTF-8 file, replacing it whole or not at all: the text goes to a new file beside it,
   * which is then renamed over it. Throws like writeFile when it cannot.
   */
  readonly writeFile: (path: string, text: string) => void;
  /**
   * Creates a folder and its parents, one at a time, so an error names the real cause (a file in
   * the way, a read-only parent); nothing happens when it exists.
   */
  readonly mkdir: (path: string) => void;
  /** Removes a file this process wrote; nothing happens when it is gone. */
  readonly removeFile: (path: string) => void;
  /**
   * Calls `handler` on the first Ctrl-C (SIGINT) or SIGTERM (a scheduler ending the job) instead
   * of ending the process; the returned function stops that. A second one of the same signal ends
   * the process as usual.
   */
  readonly onInterrupt: (handler: (signal: InterruptSignal) => void) => () => void;
  /** Lets the process take signals (Ctrl-C) in the middle of long work done in this thread. */
  readonly breathe: () => Promise<void>;
}

/** A temporary file in os.tmpdir() (see TempFile). */
export function nodeTempFile(): TempFile {
  const path = join(tmpdir(), `epochsim-${process.pid}-${randomBytes(8).toString('hex')}.tmp`);
  const fd = openSync(path, 'wx+', 0o600);
  let linked = true;
  try {
    unlinkSync(path);
    linked = false;
  } catch {
    // a system that cannot remove an open file (Windows): remove() does it
  }
  let size = 0;
  let open = true;
  return {
    append: (bytes) => {
      for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done, size + done);
      size += bytes.length;
    },
    read: function* () {
      for (let at = 0; at < size; ) {
        const chunk = Buffer.allocUnsafe(Math.min(1 << 20, size - at));
        const n = readSync(fd, chunk, 0, chunk.length, at);
        if (n === 0) throw new Error(`internal: the temporary file ${path} ended at ${at} of ${size} bytes`);
        at += n;
        yield chunk.subarray(0, n);
      }
    },
    remove: () => {
      if (open) closeSync(fd);
      open = false;
      if (linked) {
        try {
          unlinkSync(path);
        } catch {
          // gone already
        }
        linked = false;
      }
    },
  };
}

function nodePathKind(path: string): PathKind {
  try {
    return statSync(path).isDirectory() ? 'directory' : 'file';
  } catch {
    return 'missing';
  }
}

const tooLarge = (limit: number): Error => Object.assign(new Error(`more than ${limit} bytes`), { code: TOO_LARGE });

/** Sleeps the thread (stdin has nothing yet, and the scenario is needed before anything else). */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Reads `fd` to its end, at most `limit` bytes. A descriptor in non-blocking mode (a pipe whose
 * writer has not written yet, or keeps it open) answers EAGAIN: then wait a little and read again.
 */
function readAll(fd: number, limit: number): Uint8Array {
  const chunks: Buffer[] = [];
  let total = 0;
  let wait = 1;
  for (;;) {
    const chunk = Buffer.allocUnsafe(Math.min(1 << 20, limit + 1 - total));
    let n: number;
    try {
      n = readSync(fd, chunk, 0, chunk.length, null);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN' || code === 'EWOULDBLOCK' || code === 'EINTR') {
        pause(wait);
        wait = Math.min(50, wait * 2);
        continue;
      }
      if (code === 'EOF') break; // stdin that is a closed console on Windows
      throw error;
    }
    if (n === 0) break;
    wait = 1;
    chunks.push(chunk.subarray(0, n));
    total += n;
    if (total > limit) throw tooLarge(limit);
  }
  return Buffer.concat(chunks, total);
}

function readPath(path: string, limit: number): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw Object.assign(new Error(`EISDIR: illegal operation on a directory, read`), { code: 'EISDIR' });
    // a regular file says its size; a device (/dev/zero) or a pipe is read up to the limit
    if (stat.isFile() && stat.size > limit) throw tooLarge(limit);
    return readAll(fd, limit);
  } finally {
    closeSync(fd);
  }
}

/** How many bytes readChunks reads at a time. */
const CHUNK_BYTES = 1 << 16;

/** The bytes of a regular file, a chunk at a time (each valid until the next is read). */
function* pathChunks(path: string, limit: number): Generator<Uint8Array> {
  const fd = openSync(path, 'r');
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw Object.assign(new Error(`not a regular file: ${path}`), { code: NOT_A_FILE });
    if (stat.size > limit) throw tooLarge(limit);
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    let total = 0;
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) return;
      total += n;
      // (a file that grows while it is read)
      if (total > limit) throw tooLarge(limit);
      yield chunk.subarray(0, n);
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Chunks of bytes as chunks of text, decoded as decodeScenario decodes a whole file (a
 * byte-order mark is kept; a character may be cut between two chunks). Bytes that are not UTF-8
 * throw a TypeError where they are met.
 */
export function* utf8Chunks(chunks: Iterable<Uint8Array>): Generator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  for (const chunk of chunks) {
    const text = decoder.decode(chunk, { stream: true });
    if (text !== '') yield text;
  }
  const rest = decoder.decode();
  if (rest !== '') yield rest;
}

/** Io.readChunks on the real file system. */
export const readPathChunks = (path: string, limit: number): Iterable<string> => utf8Chunks(pathChunks(path, limit));

let tempCount = 0;

/** Writes `text` beside `path` under a temporary name, then renames it over `path`. */
function writeWhole(path: string, text: string): void {
  const temp = join(dirname(path), `.${basename(path)}.epochsim-${process.pid}-${++tempCount}.tmp`);
  try {
    writeFileSync(temp, text, { encoding: 'utf8', flag: 'wx' });
    renameSync(temp, path);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // it was never created, or is gone already
    }
    // (the error names the temporary file; the one asked for is what a message names)
    throw Object.assign(error as Error, { path });
  }
}

/** Creates `path` and the parents it lacks, outermost first (see Io.mkdir). */
function makeFolders(path: string): void {
  const missing: string[] = [];
  let at = path;
  for (;;) {
    const kind = nodePathKind(at);
    if (kind === 'directory') break;
    if (kind === 'file') {
      throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${path}'`), { code: 'ENOTDIR', path: at });
    }
    missing.push(at);
    const parent = dirname(at);
    if (parent === at) break;
    at = parent;
  }
  for (const dir of missing.reverse()) {
    try {
      mkdirSync(dir);
    } catch (error) {
      // (made by someone else meanwhile: fine if it is a folder)
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' && nodePathKind(dir) === 'directory') continue;
      // the folder that would not take the new one is what a message names
      throw Object.assign(error as Error, { path: dir, parent: dirname(dir) });
    }
  }
}

/**
 * Whether fd 1 was closed when the process started (`>&-`). Node then opens /dev/null on it,
 * read-write, so the output would vanish without an error; a shell's `> /dev/null` opens it
 * write-only. Linux tells the open mode in /proc; elsewhere this cannot be told.
 */
function stdoutWasClosed(): boolean {
  try {
    const stat = fstatSync(1);
    const devNull = statSync('/dev/null');
    if (!stat.isCharacterDevice() || stat.rdev !== devNull.rdev) return false;
    const flags = /^flags:\s*([0-7]+)/m.exec(readFileSync('/proc/self/fdinfo/1', 'utf8'))?.[1];
    return flags !== undefined && (parseInt(flags, 8) & 3) === 2; // O_ACCMODE is O_RDWR
  } catch {
    return false;
  }
}

export function nodeIo(): Io {
  const closed = stdoutWasClosed();
  let failed: NodeJS.ErrnoException | undefined;
  const fail = (error: NodeJS.ErrnoException): void => {
    // A reader that stops early (`epochsim explain … | head`) closes the pipe: that is not an
    // error of ours, so end quietly.
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    failed ??= error;
  };
  process.stdout.on('error', fail);
  // a failing stderr has no one left to tell; it must not crash the process either
  process.stderr.on('error', () => undefined);
  return {
    readBytes: readPath,
    readChunks: readPathChunks,
    readStdinBytes: (limit) => readAll(0, limit),
    out: (text) => {
      if (closed) failed ??= Object.assign(new Error('stdout is closed'), { code: 'EBADF' });
      if (failed !== undefined || process.stdout.destroyed) return;
      process.stdout.write(text, (error) => {
        if (error) fail(error);
      });
    },
    err: (text) => {
      process.stderr.write(text);
    },
    outSafe: (data) =>
      new Promise((resolve) => {
        if (closed) failed ??= Object.assign(new Error('stdout is closed'), { code: 'EBADF' });
        const stdout = process.stdout;
        if (failed !== undefined || stdout.destroyed) {
          resolve(false);
          return;
        }
        const more = stdout.write(data, (error) => {
          if (error) fail(error);
        });
        if (more) {
          resolve(failed === undefined);
          return;
        }
        // full: wait until it drains, or fails (fail() above runs first and records why)
        const done = (): void => {
          stdout.off('drain', done).off('error', done).off('close', done);
          resolve(failed === undefined && !stdout.destroyed);
        };
        stdout.once('drain', done).once('error', done).once('close', done);
      }),
    tempFile: nodeTempFile,
    progress: (text) => {
      process.stderr.write(text);
    },
    flush: () =>
      new Promise((resolve) => {
        if (failed !== undefined || process.stdout.destroyed) {
          resolve(failed);
          return;
        }
        process.stdout.write('', (error) => {
          if (error) fail(error);
          resolve(failed);
        });
      }),
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    env: process.env,
    now: () => process.hrtime.bigint(),
    pathKind: nodePathKind,
    fileId: (path) => {
      try {
        const s = statSync(path);
        return `${s.dev}:${s.ino}`;
      } catch {
        return undefined;
      }
    },
    listDir: (path) =>
      readdirSync(path, { withFileTypes: true }).map((d): DirEntry => {
        if (d.isDirectory()) return { name: d.name, kind: 'directory' };
        if (d.isFile()) return { name: d.name, kind: 'file' };
        if (d.isSymbolicLink()) {
          try {
            const target = statSync(join(path, d.name));
            return { name: d.name, kind: target.isDirectory() ? 'link' : target.isFile() ? 'file' : 'special' };
          } catch {
            return { name: d.name, kind: 'file' }; // a dangling link: reading it says why
          }
        }
        return { name: d.name, kind: 'special' };
      }),
    writeFile: writeWhole,
    mkdir: makeFolders,
    removeFile: (path) => {
      try {
        unlinkSync(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    },
    onInterrupt: (handler) => {
      // once each: a second Ctrl-C (or SIGTERM) ends the process as usual
      const onInt = (): void => handler('SIGINT');
      const onTerm = (): void => handler('SIGTERM');
      process.once('SIGINT', onInt);
      process.once('SIGTERM', onTerm);
      return () => {
        process.removeListener('SIGINT', onInt);
        process.removeListener('SIGTERM', onTerm);
      };
    },
    breathe: () => new Promise((resolve) => setImmediate(resolve)),
  };
}
