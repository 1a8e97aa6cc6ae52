/**
 * Start-up: the command list main.ts shows without loading the commands (src/cli/commands.ts)
 * is the one the commands give themselves, so `--help` reads the same either way.
 */
import { buildProgram } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/io.js';

const io = { out: () => {}, err: () => {} } as unknown as Io;
const cli = { io, setExit: () => {} };

test('the lazy command list gives the same --help as the loaded commands', async () => {
  const loaded = await buildProgram(cli, () => true);
  const lazy = await buildProgram(cli, () => false);
  expect(lazy.helpInformation()).toBe(loaded.helpInformation());
  expect(lazy.commands.map((c) => c.name())).toEqual(loaded.commands.map((c) => c.name()));
});
