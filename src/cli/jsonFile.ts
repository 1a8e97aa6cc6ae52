/**
 * Reading a JSON document a command wrote earlier (a fuzz report, a sweep --json document):
 * bounded in size, UTF-8, JSON; `fail` words each problem as the calling command says it.
 */
import type { Io } from './io.js';
import type { InputError } from './exit.js';
import { shown } from '../domain/text.js';
import { describeError } from './oserror.js';

export function readJsonFile(io: Io, file: string, maxBytes: number, fail: (why: string) => InputError): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(file === '-' ? io.readStdinBytes(maxBytes) : io.readBytes(file, maxBytes));
  } catch (error) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
    if (code === 'ENOENT') throw fail('no such file');
    if (error instanceof TypeError) throw fail('not UTF-8 text');
    throw fail(code === 'EPOCHSIM_TOO_LARGE' ? `larger than ${maxBytes / 1024 / 1024} MiB` : describeError(error, file));
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    // the parser's message quotes the text: escaped, as any input in a message
    throw fail(`not JSON (${shown(error instanceof Error ? error.message : String(error), 200)})`);
  }
}
