/**
 * What went wrong with a file or a stream, in words: messages never show a raw error code
 * (ENOSPC, EROFS…), and name the path at fault when it is not the one asked for (the file in
 * the way of a folder, the parent that could not take a new folder).
 */

import { resolve } from 'node:path';

const WORDS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a folder',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EEXIST: 'a file is in the way',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the file system is read-only',
  EFBIG: 'the file is too large for the file system',
  EIO: 'an input/output error of the device',
  EBADF: 'it is closed',
  ENXIO: 'no such device',
  ENODEV: 'no such device',
  EMFILE: 'too many files are open',
  ENFILE: 'too many files are open',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many symbolic links',
  EBUSY: 'the file is busy',
  ETXTBSY: 'the file is busy',
  EAGAIN: 'it is not ready (try again)',
  ECONNRESET: 'the connection was reset',
  EPIPE: 'the reader has gone',
};

const codeOf = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;

/**
 * The reason `error` (from node:fs, duck-typed: it may come from another realm) gives, in words;
 * with the path at fault when the error names one other than `asked`.
 */
export function describeError(error: unknown, asked?: string): string {
  const code = codeOf(error);
  const words = code === undefined ? undefined : WORDS[code];
  const field = (name: string): string | undefined =>
    typeof error === 'object' && error !== null && name in error ? String((error as Record<string, unknown>)[name]) : undefined;
  const path = field('path');
  const at = path !== undefined && (asked === undefined || resolve(path) !== resolve(asked)) ? path : undefined;
  // a folder that could not be made (Io.mkdir): the folder that refused it is the cause
  const parent = field('parent');
  if (parent !== undefined && (code === 'EACCES' || code === 'EPERM')) return `${parent} is not writable (permission denied)`;
  if (parent !== undefined && code === 'EROFS') return `${parent} is on a read-only file system`;
  if (words !== undefined) {
    if (code === 'ENOTDIR' && at !== undefined) return `${at} is a file, not a folder`;
    return at === undefined ? words : `${words} (${at})`;
  }
  // an error without a known code: its message without the code and the call ("EXYZ: text, open 'x'")
  const message = error instanceof Error || (typeof error === 'object' && error !== null && 'message' in error) ? String((error as Error).message) : String(error);
  return message.replace(/^[A-Z][A-Z0-9_]+: /, '').replace(/, [a-z]+ '.*'$/, '');
}
