/**
 * Runs the built CLI (bin/epochsim → dist/) in a child process, in a fresh folder, and collects
 * what it wrote to `--out found`: for the tests that need real worker threads, which only the
 * built CLI can start (under ts-jest there is no dist/ worker file next to the source).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const BIN = resolve('bin/epochsim');

export interface BuiltOutcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The files written to --out, by name. */
  readonly files: Record<string, string>;
}

/** `epochsim COMMAND ARGS --out found` in a fresh folder (so `found` names the same path in every run). */
export function runBuilt(command: string, args: readonly string[]): Promise<BuiltOutcome> {
  const cwd = mkdtempSync(join(tmpdir(), `epochsim-${command}-`));
  return new Promise((done, fail) => {
    execFile(process.execPath, [BIN, command, ...args, '--out', 'found'], { cwd, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      try {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        const dir = join(cwd, 'found');
        const names = existsSync(dir) ? readdirSync(dir).sort() : [];
        const files = Object.fromEntries(names.map((n) => [n, readFileSync(join(dir, n), 'utf8')]));
        done({ code, stdout, stderr, files });
      } catch (e) {
        fail(e);
      } finally {
        rmSync(cwd, { recursive: true, force: true });
      }
    });
  });
}
