/**
 * The package as a user gets it: `npm pack` of the project, the tarball installed into an empty
 * folder, the library page's example (docs/reference/library.md) type-checked there with `tsc --strict` against the
 * installed `.d.ts` and run with node; and the installed `epochsim` command run on a bundled
 * scenario. Packs the built dist/ (`npm ci` builds it; the test does not rebuild, so other tests
 * reading dist/ are not disturbed).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve('.');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const readme = readFileSync('docs/reference/library.md', 'utf8');

/** The first fenced block of `lang` after `marker` in docs/reference/library.md. */
function blockAfter(marker: string, lang: string): string {
  const at = readme.indexOf(marker);
  const open = readme.indexOf(`\`\`\`${lang}\n`, at);
  const close = readme.indexOf('\n```', open);
  if (at < 0 || open < 0 || close < 0) throw new Error(`docs/reference/library.md: no ${lang} block after "${marker}"`);
  return readme.slice(open + lang.length + 4, close + 1);
}

let dir = '';
let tarball = '';
let files: string[] = [];

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist', 'index.js')) || !existsSync(join(ROOT, 'dist', 'index.d.ts'))) {
    throw new Error('dist/ is not built: run npm run build (npm ci does it)');
  }
  dir = mkdtempSync(join(tmpdir(), 'epochsim-pack-'));
  const packed = JSON.parse(execFileSync(NPM, ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8' })) as {
    filename: string;
    files: { path: string }[];
  }[];
  tarball = join(dir, packed[0]?.filename ?? '');
  files = (packed[0]?.files ?? []).map((f) => f.path).sort();
  const app = join(dir, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), '{ "name": "app", "private": true, "type": "module" }\n');
  // the dependencies come from npm's cache when `npm ci` filled it
  execFileSync(NPM, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball], { cwd: app, stdio: 'pipe' });
}, 120_000);

afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

test('the tarball holds the built library, its types, the command and the bundled scenarios, and no sources or tests', () => {
  expect(files).toContain('dist/index.js');
  expect(files).toContain('dist/index.d.ts');
  expect(files).toContain('dist/cli/main.js');
  expect(files).toContain('bin/epochsim');
  expect(files).toContain('scenarios/01-deferred-same-epoch.yaml');
  expect(files).toContain('README.md');
  expect(files).toContain('package.json');
  expect(files.filter((f) => /^(src|tests|node_modules|scripts|bench)\//.test(f))).toEqual([]);
});

test("the library page's example type-checks against the installed package and prints what the README shows", () => {
  const app = join(dir, 'app');
  writeFileSync(join(app, 'main.ts'), blockAfter('# The library', 'ts'));
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const args = ['--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022'];
  // only Node's own types come from the project; epochsim's come from the installed package
  args.push('--skipLibCheck', '--typeRoots', join(ROOT, 'node_modules', '@types'), '--types', 'node', 'main.ts');
  execFileSync(process.execPath, [tsc, ...args], { cwd: app, stdio: 'pipe' });
  const out = execFileSync(process.execPath, ['main.js'], { cwd: app, encoding: 'utf8' });
  expect(out).toBe(blockAfter('# The library', 'text'));
});

test('a type error against the installed declarations is caught (a check of the check)', () => {
  const app = join(dir, 'app');
  writeFileSync(join(app, 'bad.ts'), "import { runScenario } from 'epochsim';\nrunScenario('not a scenario');\n");
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  let failed = '';
  try {
    execFileSync(process.execPath, [tsc, '--strict', '--noEmit', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--skipLibCheck', '--typeRoots', join(ROOT, 'node_modules', '@types'), '--types', 'node', 'bad.ts'], {
      cwd: app,
      encoding: 'utf8',
    });
  } catch (error) {
    failed = String((error as { stdout?: string }).stdout);
  }
  expect(failed).toContain("bad.ts(2,13): error TS2345: Argument of type 'string' is not assignable to parameter of type 'ReplayInput'.");
});

test('the installed command runs a bundled scenario', () => {
  const app = join(dir, 'app');
  const out = execFileSync(join(app, 'node_modules', '.bin', 'epochsim'), ['run', 'node_modules/epochsim/scenarios/01-deferred-same-epoch.yaml'], {
    cwd: app,
    encoding: 'utf8',
  });
  expect(out.trimEnd().split('\n').at(-1)).toBe('OK: 7 events, 3 checkpoints, invariants hold');
});
