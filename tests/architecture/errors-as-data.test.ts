/**
 * Explanations read an error's code and data, never its wording: a test fails if anything under
 * src/cli matches on the text of an error or message (a regular expression, a comparison, a
 * substring test), so rewording a message in a reducer cannot silently change an explanation.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** Lines that test the text of an `error` or `message`: regexes, comparisons and substring tests on it. */
function textMatches(text: string): string[] {
  const ON_TEXT = [
    // /re/.test(error), /re/.exec(x.error), error.match(/re/)
    /\.(test|exec)\([^)]*\b(error|message|msg)\b/,
    /\b(error|message|msg)\??\.(match|matchAll|search|includes|startsWith|endsWith|indexOf)\(/,
    // error === 'text', x.message !== `text`
    /(?<!typeof )\b(error|message|msg)\s*[!=]==?\s*['"`]/,
    /['"`]\s*[!=]==?\s*[\w.?]*\b(error|message|msg)\b/,
  ];
  const out: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (ON_TEXT.some((re) => re.test(line))) out.push(`${i + 1}: ${line.trim()}`);
  });
  return out;
}

test('nothing under src/cli matches on the text of an error or message', () => {
  const found = sources('src/cli').flatMap((f) => textMatches(readFileSync(f, 'utf8')).map((l) => `${f}:${l}`));
  expect(found).toEqual([]);
});

test('the scan finds the matching the explanations did before codes (a check of the check)', () => {
  // lines of src/cli/render/explain.ts and lifecycle.ts as they were before errors became data
  const before = [
    "      if (/^escrow \\d+ not found$/.test(error)) {",
    "      if ((m = /^settler (\\S+) is not the escrow creator (\\S+)$/.exec(error))) {",
    "      if (error === 'invalid cost amount: negative coin balance' || error === 'invalid payout amount: negative coin balance') {",
    "  if (error === 'participant not found' && e.type === 'validate_inference') {",
    "      if (/insufficient funds$/.test(error)) return `${e.from} holds ${balance(e.from)}, less than ${money(e.amount)}.`;",
  ];
  expect(before.map((l) => textMatches(l).length)).toEqual([1, 1, 1, 1, 1]);
  expect(textMatches("if (record.message.includes('insufficient')) {")).toHaveLength(1);
  expect(textMatches("if ('no epoch to end' === view.record.error) {")).toHaveLength(1);
  expect(textMatches("if (f.code === 'ESCROW_NOT_FOUND') {")).toHaveLength(0);
  expect(textMatches("typeof error === 'object' && error !== null")).toHaveLength(0);
});
