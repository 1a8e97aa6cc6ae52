#!/usr/bin/env node
// Generates docs/reference/errors.md from src/engine/errors.ts: every transaction error code with
// its meaning (TX_ERROR_CODES), the chain's wording (the doc comment of its TxErrorData entry)
// and its `error_data` fields (the entry's type, keys in snake_case as `run --json` prints them).
// Reads the source with the TypeScript compiler's parser, so nothing has to be built first.
//
//   node scripts/gen-errors-doc.mjs [--check]
//
// With --check nothing is written: exit 1 says the committed file is out of date (the tests run it).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE = join(ROOT, 'src', 'engine', 'errors.ts');
const ISSUES = join(ROOT, 'src', 'scenario', 'issues.ts');
const OUT = join(ROOT, 'docs', 'reference', 'errors.md');

const snake = (name) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function fail(message) {
  process.stderr.write(`gen-errors-doc: ${message}\n`);
  process.exit(1);
}

/** The codes in declaration order, each with its section, wording and fields; and the one-line meanings. */
function read() {
  const text = readFileSync(SOURCE, 'utf8');
  const file = ts.createSourceFile(SOURCE, text, ts.ScriptTarget.ES2022, true);
  const codes = [];
  const meanings = new Map();
  for (const node of file.statements) {
    if (ts.isInterfaceDeclaration(node) && node.name.text === 'TxErrorData') {
      let section = '';
      for (const member of node.members) {
        // a `// ---- name` line comment before a member starts a section
        for (const range of ts.getLeadingCommentRanges(text, member.pos) ?? []) {
          const comment = text.slice(range.pos, range.end);
          const m = /^\/\/ ---- (.+)$/.exec(comment);
          if (m) section = m[1];
        }
        if (!ts.isPropertySignature(member) || member.type === undefined) fail(`unexpected member in TxErrorData at ${member.pos}`);
        const docs = ts.getJSDocCommentsAndTags(member).map((d) => ts.getTextOfJSDocComment(d.comment) ?? '');
        const fields = [];
        if (ts.isTypeLiteralNode(member.type)) {
          for (const f of member.type.members) {
            if (!ts.isPropertySignature(f) || f.type === undefined) fail(`unexpected field of ${member.name.getText()}`);
            fields.push({ name: snake(f.name.getText()), type: f.type.getText().replace(/\s+/g, ' ') });
          }
        } else if (member.type.getText() !== 'Record<string, never>') {
          fail(`the data of ${member.name.getText()} is neither a type literal nor Record<string, never>`);
        }
        codes.push({ code: member.name.getText(), section, wording: docs.join(' ').replace(/\s+/g, ' ').trim(), fields });
      }
    }
    if (ts.isVariableStatement(node)) {
      for (const d of node.declarationList.declarations) {
        if (d.name.getText() !== 'TX_ERROR_CODES' || d.initializer === undefined || !ts.isObjectLiteralExpression(d.initializer)) continue;
        for (const p of d.initializer.properties) {
          if (!ts.isPropertyAssignment(p) || !ts.isStringLiteralLike(p.initializer)) fail('TX_ERROR_CODES holds a non-string entry');
          meanings.set(p.name.getText(), p.initializer.text);
        }
      }
    }
  }
  if (codes.length === 0) fail('no TxErrorData interface in src/engine/errors.ts');
  for (const c of codes) if (!meanings.has(c.code)) fail(`${c.code} has no TX_ERROR_CODES entry`);
  return { codes, meanings };
}

/** The input issue codes and their meanings, in declaration order (INPUT_ISSUE_CODES of issues.ts). */
function readInputCodes() {
  const text = readFileSync(ISSUES, 'utf8');
  const file = ts.createSourceFile(ISSUES, text, ts.ScriptTarget.ES2022, true);
  for (const node of file.statements) {
    if (!ts.isVariableStatement(node)) continue;
    for (const d of node.declarationList.declarations) {
      if (d.name.getText() !== 'INPUT_ISSUE_CODES') continue;
      let init = d.initializer;
      while (init !== undefined && (ts.isAsExpression(init) || ts.isParenthesizedExpression(init))) init = init.expression;
      if (init === undefined || !ts.isObjectLiteralExpression(init)) fail('INPUT_ISSUE_CODES is not an object literal');
      return init.properties.map((p) => {
        if (!ts.isPropertyAssignment(p) || !ts.isStringLiteralLike(p.initializer)) fail('INPUT_ISSUE_CODES holds a non-string entry');
        return { code: p.name.getText(), meaning: p.initializer.text };
      });
    }
  }
  fail('no INPUT_ISSUE_CODES in src/scenario/issues.ts');
}

/** `bigint` fields are decimal strings in JSON; the rest print as they are. */
function jsonType(type) {
  return type.replace(/\bbigint\b/g, 'decimal string');
}

function render() {
  const { codes, meanings } = read();
  const cell = (s) => s.replaceAll('|', '\\|');
  const lines = [
    '# Error codes',
    '',
    '<!-- generated by `node scripts/gen-errors-doc.mjs` from src/engine/errors.ts and src/scenario/issues.ts; the tests fail when it is out of date -->',
    '',
    'Two kinds of problem have codes: [input issues](#input-issue-codes), found before anything',
    'runs (exit 2), and [transaction errors](#transaction-error-codes), an event the chain refuses',
    '(the replay goes on; the step fails unless the scenario expects it).',
    '',
    '## Input issue codes',
    '',
    'Every problem the loader finds in a scenario file is printed as `FILE:LINE:COL: error: MESSAGE`;',
    'the library\'s `loadScenario` returns the same issues as data, each with one of these `code`s.',
    '',
    '| code | what |',
    '|---|---|',
    ...readInputCodes().map((c) => `| \`${c.code}\` | ${c.meaning.replaceAll('|', '\\|')} |`),
    '',
    '## Transaction error codes',
    '',
    'A transaction that fails changes nothing, and its step in `epochsim run --json` carries',
    '`error` (the message, in the chain\'s words where the chain has the check; what `expect_error`',
    'matches), `error_code` (one of the codes below, stable across releases) and `error_data` (the',
    'values that explain it, keys in snake_case, amounts as decimal strings of ngonka). When the',
    'chain reports a failure inside an outer message (`failed to lock funds: spendable balance …`),',
    '`error_data.wrapped_by` lists the outer prefixes, outermost first. `epochsim schema --output run` gives the same list as a JSON Schema enum.',
    '',
    `${codes.length} transaction error codes.`,
  ];
  let section;
  for (const c of codes) {
    if (c.section !== section) {
      section = c.section;
      lines.push('', `### ${section.charAt(0).toUpperCase()}${section.slice(1)}`, '', '| code | when | `error` (`%d`, `%s`: values) | `error_data` |', '|---|---|---|---|');
    }
    const data = c.fields.length === 0 ? '—' : c.fields.map((f) => `\`${f.name}\`: ${jsonType(f.type)}`).join('; ');
    lines.push(`| \`${c.code}\` | ${cell(meanings.get(c.code))} | ${cell(c.wording)} | ${cell(data)} |`);
  }
  return `${lines.join('\n')}\n`;
}

const text = render();
if (process.argv.includes('--check')) {
  let committed = '';
  try {
    committed = readFileSync(OUT, 'utf8');
  } catch {
    fail(`${OUT} is missing; run node scripts/gen-errors-doc.mjs`);
  }
  if (committed !== text) fail('docs/reference/errors.md is out of date; run node scripts/gen-errors-doc.mjs');
} else {
  writeFileSync(OUT, text);
  process.stdout.write(`wrote docs/reference/errors.md (${text.split('\n').length - 1} lines)\n`);
}
