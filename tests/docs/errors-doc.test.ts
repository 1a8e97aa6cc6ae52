/**
 * docs/reference/errors.md is generated from src/engine/errors.ts; these tests keep it current
 * and keep every code documented where users look for it.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { TX_ERROR_CODES } from '../../src/engine/errors.js';
import { INPUT_ISSUE_CODES } from '../../src/scenario/issues.js';

const doc = readFileSync('docs/reference/errors.md', 'utf8');

test('docs/reference/errors.md is what scripts/gen-errors-doc.mjs generates', () => {
  // --check exits 1 with a message when the committed file differs; execFileSync throws then
  expect(execFileSync(process.execPath, ['scripts/gen-errors-doc.mjs', '--check'], { encoding: 'utf8' })).toBe('');
});

test('every input issue code and every transaction error code has one row, in the catalogue order', () => {
  const rows = [...doc.matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((m) => m[1]);
  expect(rows).toEqual([...Object.keys(INPUT_ISSUE_CODES), ...Object.keys(TX_ERROR_CODES)]);
  expect(doc).toContain(`\n${Object.keys(TX_ERROR_CODES).length} transaction error codes.\n`);
});

test('a row names the data fields as run --json prints them (snake_case, amounts as strings)', () => {
  expect(doc).toContain(
    '| `SETTLE_WINDOW` | the escrow is neither of the effective epoch nor of the one before | "devshard settlement only supports current or previous epoch: current epoch %d, escrow epoch %d" | `escrow`: number; `escrow_epoch`: number; `current`: number |',
  );
  expect(doc).toContain('`account`: string; `balance`: decimal string; `amount`: decimal string |');
});

