import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

/** A real process of the CLI started in the background: what it printed so far, and its end. */
export interface Background {
  readonly stdout: () => string;
  readonly closed: Promise<number | null>;
  readonly kill: (signal: NodeJS.Signals) => void;
}

/** Starts `node BIN args` in `cwd`. */
export function background(bin: string, args: readonly string[], cwd: string): Background {
  const child = spawn(process.execPath, [bin, ...args], { cwd });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const closed = new Promise<number | null>((done) => child.on('close', (c) => done(c)));
  return { stdout: () => stdout, closed, kill: (signal) => child.kill(signal) };
}

/**
 * Resolves as soon as a `.yaml` file is in `dir` (the first shrunk failure of a campaign is
 * written), or when the process has ended: a long campaign is interrupted only once it has
 * something to show, without depending on timing.
 */
export function firstYamlIn(dir: string, run: Background): Promise<void> {
  return new Promise<void>((done) => {
    const poll = setInterval(() => {
      if (existsSync(dir) && readdirSync(dir).some((n) => n.endsWith('.yaml'))) {
        clearInterval(poll);
        done();
      }
    }, 20);
    void run.closed.then(() => {
      clearInterval(poll);
      done();
    });
  });
}
