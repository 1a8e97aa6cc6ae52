import { readFileSync } from 'node:fs';
import type { Io } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in-process with captured streams; files are read from disk unless `files` has them. */
export async function runCli(
  argv: string[],
  opts: { files?: Record<string, string>; stdin?: string; tty?: boolean; env?: Record<string, string> } = {},
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    readFile: (path) => {
      const inline = opts.files?.[path];
      return inline ?? readFileSync(path, 'utf8');
    },
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
