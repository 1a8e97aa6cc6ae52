/**
 * The house shows its layers, and a test holds them: the pure parts (domain, scenario, engine,
 * fuzz, sweep, explore, words) touch no file, process, terminal or clock; no module imports itself back through others,
 * not even for types; and the engine's storage, rules and replay layers import in one direction.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

interface Import {
  readonly from: string;
  /** The resolved module (a path under src/ for a relative import, else the package name). */
  readonly to: string;
  readonly typeOnly: boolean;
  readonly line: number;
}

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sources(path));
    else if (entry.name.endsWith('.ts')) out.push(path);
  }
  return out;
}

const IMPORT = /^\s*(import|export)\s+(type\s+)?(?:[^'"]*?\s+from\s+)?'([^']+)'|import\(\s*'([^']+)'\s*\)/gm;

/** Every static and dynamic import of `file`, resolved. */
function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const out: Import[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[3] ?? m[4] ?? '';
    const line = text.slice(0, m.index).split('\n').length;
    // `import { type A, type B } from` is type-only too
    const braces = /\{([^}]*)\}/.exec(m[0])?.[1];
    const allTypes = braces !== undefined && braces.split(',').filter((s) => s.trim() !== '').every((s) => s.trim().startsWith('type '));
    const typeOnly = m[2] !== undefined || allTypes;
    const to = spec.startsWith('.') ? normalize(join(dirname(file), spec)).replace(/\.js$/, '.ts') : spec;
    out.push({ from: file, to, typeOnly, line });
  }
  return out;
}

const FILES = sources('src');
const IMPORTS = new Map(FILES.map((f) => [f, importsOf(f)]));
const PURE = ['src/domain/', 'src/scenario/', 'src/engine/', 'src/fuzz/', 'src/sweep/', 'src/explore/', 'src/words/'];
const isPure = (f: string): boolean => PURE.some((p) => f.startsWith(p));

test('the import scanner sees the imports (a check of the check)', () => {
  const run = IMPORTS.get('src/engine/replay/run.ts') ?? [];
  expect(run.some((i) => i.to === 'src/engine/rules/reducers/index.ts' && !i.typeOnly)).toBe(true);
  expect(run.some((i) => i.to === 'src/domain/scenario.ts' && i.typeOnly)).toBe(true);
  expect((IMPORTS.get('src/cli/commands.ts') ?? []).some((i) => i.to === 'src/cli/commands/run.ts')).toBe(true);
  expect(FILES.length).toBeGreaterThan(80);
});

test('the pure layers import nothing that touches files, the process, the terminal or the CLI', () => {
  const FORBIDDEN = /^(node:)?(fs|fs\/promises|process|child_process|worker_threads|readline|tty|os|net|http|https)$|^(chalk|commander|cli-table3)$|^src\/cli\//;
  const bad = FILES.filter(isPure).flatMap((f) => (IMPORTS.get(f) ?? []).filter((i) => FORBIDDEN.test(i.to)).map((i) => `${f}:${i.line} imports ${i.to}`));
  expect(bad).toEqual([]);
});

test('the pure layers use no clock, no global randomness and no process global', () => {
  const USE = /\b(Math\.random|Date\.now|new Date\b|performance\.now|process\.|console\.|setTimeout|setInterval)/;
  const bad: string[] = [];
  for (const f of FILES.filter(isPure)) {
    readFileSync(f, 'utf8').split('\n').forEach((line, i) => {
      const code = line.replace(/\/\/.*$/, '').replace(/^\s*\*.*$/, '');
      if (USE.test(code)) bad.push(`${f}:${i + 1}: ${line.trim()}`);
    });
  }
  expect(bad).toEqual([]);
});

test('the renderers (src/cli/render/, the report page included) touch no file, process or clock', () => {
  // they may name the CLI's Palette type and use the text table library; nothing else of the CLI
  const FORBIDDEN = /^(node:)?(fs|fs\/promises|process|child_process|worker_threads|readline|tty|os|net|http|https|path)$|^(chalk|commander)$/;
  const USE = /\b(Math\.random|Date\.now|new Date\b|performance\.now|process\.|console\.|setTimeout|setInterval)/;
  const renderers = FILES.filter((f) => f.startsWith('src/cli/render/'));
  expect(renderers).toContain('src/cli/render/page/data.ts');
  const bad: string[] = [];
  for (const f of renderers) {
    for (const i of IMPORTS.get(f) ?? []) {
      const cli = i.to.startsWith('src/cli/') && !i.to.startsWith('src/cli/render/');
      if (FORBIDDEN.test(i.to) || (cli && !i.typeOnly && i.to !== 'src/cli/divergences.ts')) bad.push(`${f}:${i.line} imports ${i.to}`);
    }
    readFileSync(f, 'utf8').split('\n').forEach((line, n) => {
      const code = line.replace(/\/\/.*$/, '').replace(/^\s*\*.*$/, '');
      if (USE.test(code)) bad.push(`${f}:${n + 1}: ${line.trim()}`);
    });
  }
  expect(bad).toEqual([]);
});

test('no module imports itself back, not even for types', () => {
  // Tarjan's strongly connected components over every import, type-only ones included
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const { to } of IMPORTS.get(v) ?? []) {
      if (!IMPORTS.has(to)) continue;
      if (!index.has(to)) {
        visit(to);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(to) ?? 0));
      } else if (onStack.has(to)) low.set(v, Math.min(low.get(v) ?? 0, index.get(to) ?? 0));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop();
        if (w !== undefined) {
          onStack.delete(w);
          scc.push(w);
        }
      } while (w !== v && w !== undefined);
      if (scc.length > 1) cycles.push(scc.sort());
    }
  };
  for (const f of FILES) if (!index.has(f)) visit(f);
  expect(cycles).toEqual([]);
});

test('the engine layers import in one direction: storage ← rules ← replay', () => {
  const layer = (f: string): string | undefined => {
    const rel = relative('src/engine', f);
    if (rel.startsWith('..')) return undefined;
    const top = rel.split('/')[0] ?? '';
    return ['storage', 'rules', 'replay'].includes(top) ? top : 'vocabulary';
  };
  // what each layer may import from the engine; storage may name the types of rules/ruleset.ts
  const ALLOWED: Record<string, readonly string[]> = {
    vocabulary: [],
    storage: ['vocabulary', 'storage'],
    rules: ['vocabulary', 'storage', 'rules'],
    replay: ['vocabulary', 'storage', 'rules', 'replay'],
  };
  const bad: string[] = [];
  for (const f of FILES.filter((x) => x.startsWith('src/engine/'))) {
    const from = layer(f) ?? '';
    for (const i of IMPORTS.get(f) ?? []) {
      const to = layer(i.to);
      if (to === undefined) continue;
      if (from === 'vocabulary' && to === 'vocabulary' && !i.to.includes('/data/')) {
        bad.push(`${f}:${i.line} imports ${i.to} (errors, effects and trace import no engine module)`);
        continue;
      }
      if (ALLOWED[from]?.includes(to) === true) continue;
      if (from === 'storage' && i.to === 'src/engine/rules/ruleset.ts' && i.typeOnly) continue;
      bad.push(`${f}:${i.line} imports ${i.to} (${from} may not import ${to})`);
    }
  }
  expect(bad).toEqual([]);
});

test('reducers report data and never word it: storage and rules import nothing from src/words; words import only types from the engine', () => {
  const bad: string[] = [];
  for (const f of FILES) {
    for (const i of IMPORTS.get(f) ?? []) {
      if ((f.startsWith('src/engine/storage/') || f.startsWith('src/engine/rules/')) && i.to.startsWith('src/words/')) bad.push(`${f}:${i.line} imports ${i.to}`);
      if (f.startsWith('src/words/') && i.to.startsWith('src/engine/') && !i.typeOnly) bad.push(`${f}:${i.line} imports values from ${i.to}`);
    }
  }
  expect(bad).toEqual([]);
});
