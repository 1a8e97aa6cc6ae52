/**
 * `epochsim schema`: the printed JSON Schema is the committed one the scenarios point at, every
 * bundled scenario validates against it, and each schema-level bad fixture does not (nor loads).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020Module from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { RULE_NAMES } from '../../src/domain/scenario.js';
import { loadScenario } from '../../src/scenario/load.js';
import { runCli } from './fakeIo.js';

type Validator = ((data: unknown) => boolean) & { errors?: unknown };
type AjvLike = new (opts: Record<string, unknown>) => { compile: (schema: unknown) => Validator };
// ajv is CommonJS: its class is the default export's `default` under ESM interop.
const Ajv2020 = ((Ajv2020Module as unknown as { default?: AjvLike }).default ?? Ajv2020Module) as unknown as AjvLike;

const yamlFiles = (dir: string): string[] =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => join(dir, f));

describe('epochsim schema', () => {
  let printed = '';
  let validate: Validator;

  beforeAll(async () => {
    const r = await runCli(['schema']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    printed = r.stdout;
    validate = new Ajv2020({ strict: false, allErrors: true }).compile(JSON.parse(printed));
  });

  test('prints the draft 2020-12 schema committed as scenarios/scenario.schema.json', () => {
    expect(printed).toBe(readFileSync('scenarios/scenario.schema.json', 'utf8'));
    const schema = JSON.parse(printed) as Record<string, unknown>;
    expect(schema['$schema']).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema['title']).toBe('epochsim scenario');
  });

  test('every bundled scenario names the schema on its first line and validates against it', () => {
    const files = yamlFiles('scenarios');
    expect(files.length).toBeGreaterThanOrEqual(10);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=./scenario.schema.json');
      const ok = validate(parse(text));
      expect({ file, ok, errors: ok ? null : validate.errors }).toEqual({ file, ok: true, errors: null });
    }
  });

  test('the format example validates too', () => {
    expect(validate(parse(readFileSync('tests/fixtures/valid/format-section-1.yaml', 'utf8')))).toBe(true);
  });

  test('each schema-level bad fixture fails the schema and the loader', () => {
    const files = yamlFiles('tests/fixtures/invalid/schema');
    expect(files.map((f) => f.split('/').at(-1))).toEqual([
      'bad-ruleset.yaml',
      'fraction-without-unit.yaml',
      'missing-name.yaml',
      'missing-required-field.yaml',
      'misspelt-event.yaml',
      'unknown-key.yaml',
      'wrong-type.yaml',
    ]);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      expect({ file, valid: validate(parse(text)) }).toEqual({ file, valid: false });
      expect({ file, loads: loadScenario(text, file).ok }).toEqual({ file, loads: false });
    }
  });
});

describe('epochsim schema --output run', () => {
  let validate: Validator;

  beforeAll(async () => {
    const r = await runCli(['schema', '--output', 'run']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const schema = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(schema['$schema']).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema['title']).toBe('epochsim run --json');
    validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);
  });

  test.each(yamlFiles('scenarios').flatMap((f) => RULE_NAMES.map((rules) => [f, rules] as const)))('run --json of %s under %s validates', async (f, rules) => {
    const r = await runCli(['run', f, '--json', '--rules', rules]);
    const doc = JSON.parse(r.stdout) as unknown;
    const ok = validate(doc);
    if (!ok) throw new Error(JSON.stringify(validate.errors, null, 2).slice(0, 2000));
    expect(ok).toBe(true);
  });

  test('a document with an unknown key, a wrong format_version or an amount as a number does not', async () => {
    const doc = JSON.parse((await runCli(['run', 'scenarios/01-deferred-same-epoch.yaml', '--json'])).stdout) as Record<string, unknown>;
    expect(validate({ ...doc, extra: 1 })).toBe(false);
    expect(validate({ ...doc, format_version: 1 })).toBe(false);
    expect(validate({ ...doc, surplus: 0 })).toBe(false);
  });

  test('an unknown --output is a usage error (exit 2) with nothing on stdout', async () => {
    const r = await runCli(['schema', '--output', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain("option '--output <document>' argument 'nope' is invalid. Allowed choices are scenario, run, fuzz-report, sweep, explore.");
  });
});
