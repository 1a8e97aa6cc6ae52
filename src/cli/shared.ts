/**
 * What every command shares: reading a scenario (a file or stdin), reporting input errors the
 * one way the contract allows, the colour policy, the ruleset options and the exit codes.
 */
import { InvalidArgumentError, Option } from 'commander';
import { RULE_NAMES, type RuleName, type Scenario } from '../domain/scenario.js';
import { renderIssue, type InputIssue } from '../scenario/issues.js';
import { loadScenario, type LoadResult } from '../scenario/load.js';
import { TOO_LARGE, type Io } from './io.js';
import { describeError } from './oserror.js';
import { chalkPalette, plain, wantsColour, type Palette } from './palette.js';

import { InputError } from './exit.js';

export { EXIT_FAILED, EXIT_INPUT, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK, EXIT_OUTPUT, EXIT_TERMINATED, InputError, OutputError, type Cli } from './exit.js';

export function parseRules(value: string): RuleName {
  if ((RULE_NAMES as readonly string[]).includes(value)) return value as RuleName;
  throw new InvalidArgumentError(`choose one of: ${RULE_NAMES.join(', ')}`);
}

/** `a[,b…]`: at least `min` distinct rulesets. */
function rulesList(value: string, min: number): RuleName[] {
  const names = value.split(',').map((s) => s.trim());
  const unknown = names.filter((n) => !(RULE_NAMES as readonly string[]).includes(n));
  if (unknown.length > 0) throw new InvalidArgumentError(`unknown ruleset ${unknown.join(', ')}; choose from: ${RULE_NAMES.join(', ')}`);
  if (new Set(names).size !== names.length) throw new InvalidArgumentError('each ruleset may be named once');
  if (names.length < min) throw new InvalidArgumentError('name at least two rulesets, e.g. deferred,immediate');
  return names as RuleName[];
}

/** `a,b[,c]`: two or more distinct rulesets. */
export const parseRulesList = (value: string): RuleName[] => rulesList(value, 2);

/** `a[,b…]`: one ruleset, or several distinct ones. */
export const parseRulesets = (value: string): RuleName[] => rulesList(value, 1);

/** The display name of a scenario source: `-` is stdin. */
export const sourceName = (file: string): string => (file === '-' ? '<stdin>' : file);

/** The largest scenario read by default, in MiB; --max-size raises it. */
export const DEFAULT_MAX_MIB = 64;
const MAX_MAX_MIB = 65_536;

/** `--strict-units`: amounts must say ngonka or gonka (see scenario/units.ts). */
export const strictUnitsOption = (): Option =>
  new Option('--strict-units', 'refuse an amount written without a unit (0 aside): write "5 gonka" or "5 ngonka", never a bare 5');

/** `--max-size MiB`: a whole number of MiB. */
export function parseMaxSize(value: string): number {
  const n = /^[0-9]+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_MAX_MIB) throw new InvalidArgumentError(`--max-size is a whole number of MiB from 1 to ${MAX_MAX_MIB}`);
  return n;
}

/** The option every command that reads scenarios has. */
export const maxSizeOption = (): Option =>
  new Option('--max-size <MiB>', `read scenario files of at most this many MiB (default ${DEFAULT_MAX_MIB})`).argParser(parseMaxSize);

export const MIB = 1024 * 1024;

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const LOSSY_UTF8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** Where the first byte is that does not begin or continue a valid UTF-8 character; -1 if none. */
export function firstInvalidUtf8(b: Uint8Array): number {
  const n = b.length;
  let i = 0;
  while (i < n) {
    const c = b[i] as number;
    if (c < 0x80) {
      i++;
      continue;
    }
    const need = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
    if (need === 0 || i + need >= n) return i;
    // the second byte's range excludes overlong forms, surrogates and code points past U+10FFFF
    const lo = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
    const second = b[i + 1] as number;
    if (second < lo || second > hi) return i;
    for (let k = 2; k <= need; k++) {
      const next = b[i + k] as number;
      if (next < 0x80 || next > 0xbf) return i;
    }
    i += need + 1;
  }
  return -1;
}

/** The bytes of a scenario as text, or where they stop being UTF-8 (and the text to show the line with). */
export function decodeScenario(bytes: Uint8Array, file: string): { text: string; issue?: InputIssue } {
  try {
    return { text: STRICT_UTF8.decode(bytes) };
  } catch {
    const at = firstInvalidUtf8(bytes);
    let lineStart = 0;
    let line = 1;
    for (let i = 0; i < at; i++) {
      if (bytes[i] === 0x0a) {
        line++;
        lineStart = i + 1;
      }
    }
    const col = STRICT_UTF8.decode(bytes.subarray(lineStart, at)).length + 1;
    const hex = (bytes[at] ?? 0).toString(16).toUpperCase().padStart(2, '0');
    return {
      text: LOSSY_UTF8.decode(bytes),
      issue: { file, line, col, code: 'INVALID_UTF8', message: `invalid UTF-8: the byte 0x${hex} here does not begin a valid character`, hint: 'a scenario file is UTF-8 text' },
    };
  }
}

/**
 * Reads and loads one scenario (a path, or `-` for stdin): the text (to show lines of it) and
 * the loader's result; bytes that are not UTF-8 are an input issue like any other. A file that
 * cannot be read, or is larger than `maxMiB`, is an InputError: one line, nothing else done.
 */
export function readScenario(file: string, io: Io, maxMiB: number = DEFAULT_MAX_MIB, strictUnits = false): { text: string; loaded: LoadResult } {
  const name = sourceName(file);
  let bytes: Uint8Array;
  try {
    bytes = file === '-' ? io.readStdinBytes(maxMiB * MIB) : io.readBytes(file, maxMiB * MIB);
  } catch (error) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
    if (code === TOO_LARGE) {
      throw new InputError(`epochsim: cannot read ${name}: it is larger than ${maxMiB} MiB, the limit for a scenario (--max-size MiB raises it)\n`);
    }
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : describeError(error, file);
    throw new InputError(`epochsim: cannot read ${name}: ${why}\n`);
  }
  const { text, issue } = decodeScenario(bytes, name);
  return { text, loaded: issue === undefined ? loadScenario(text, name, { strictUnits }) : { ok: false, issues: [issue] } };
}

export function stdoutPalette(io: Io, colour: boolean): Palette {
  return wantsColour(io.stdoutIsTTY, !colour, io.env) ? chalkPalette() : plain;
}

export function stderrPalette(io: Io, colour: boolean): Palette {
  return wantsColour(io.stderrIsTTY, !colour, io.env) ? chalkPalette() : plain;
}

/** Renders every input issue of `text`, then the count line: the one format of input errors. */
export function renderInputErrors(
  issues: Parameters<typeof renderIssue>[0][],
  text: string,
  name: string,
  p: Palette,
): string {
  const rendered = issues.map((issue) => renderIssue(issue, text, p)).join('\n');
  return `${rendered}\n${issues.length} error${issues.length === 1 ? '' : 's'} in ${name}; nothing was run\n`;
}

/**
 * Reads and loads one scenario for a command. On input errors they all go to stderr and the
 * result is undefined: the caller exits 2 with nothing on stdout.
 */
export function loadForCommand(file: string, io: Io, colour: boolean, maxMiB?: number, strictUnits?: boolean): Scenario | undefined {
  const { text, loaded } = readScenario(file, io, maxMiB, strictUnits);
  if (loaded.ok) return loaded.scenario;
  io.err(renderInputErrors([...loaded.issues], text, sourceName(file), stderrPalette(io, colour)));
  return undefined;
}
