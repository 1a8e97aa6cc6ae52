/**
 * Reading the docs as tests read them: fenced blocks with their info strings, the commands of a
 * transcript, and the relative links of a page. The conventions (docs/README.md, "Conventions"):
 *
 * - ```console — a transcript: each `$ epochsim ARGS` line (or `$ cat FILE`) is run from the
 *   repository root (`$ VAR=value epochsim ARGS` with VAR in its environment) and followed by exactly what it prints, stdout then stderr. A command that
 *   ends in `# exit N` must exit N; any other must exit 0. A line `…` in the output stands for any
 *   number of lines (a cut).
 * - ```yaml file=PATH — a file the page creates (later commands of the page read it); it must
 *   load as a scenario. ```yaml without a file is a snippet: a whole scenario (it has `events:`)
 *   must load and run clean (no failed event, checkpoint or invariant; `fails` marks one shown
 *   failing), a fragment must be valid YAML. `invalid` marks a scenario shown for its errors.
 * - ```sh, ```text, ```ts … are not run; no block but ```console may show a `$ epochsim` line.
 */

export interface Block {
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly lang: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly body: string;
}

/** The fenced blocks of a markdown text, in order. */
export function blocksOf(text: string): Block[] {
  const lines = text.split('\n');
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)(.*)$/.exec(lines[i] ?? '');
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i] ?? ''); i++) body.push(lines[i] ?? '');
    if (i >= lines.length) throw new Error(`line ${start + 1}: a fenced block is never closed`);
    const attrs: Record<string, string> = {};
    for (const a of (open[2] ?? '').trim().split(/\s+/).filter((x) => x !== '')) {
      const eq = a.indexOf('=');
      if (eq < 0) attrs[a] = '';
      else attrs[a.slice(0, eq)] = a.slice(eq + 1);
    }
    out.push({ line: start + 1, lang: open[1] ?? '', attrs, body: body.length === 0 ? '' : `${body.join('\n')}\n` });
  }
  return out;
}

export interface Command {
  /** 1-based line in the page. */
  readonly line: number;
  /** `VAR=value` assignments before the command (a scheduler's environment), when there are any. */
  readonly env?: Readonly<Record<string, string>>;
  readonly argv: readonly string[];
  readonly exit: number;
  readonly expected: string;
}

/** Splits a command line as a POSIX shell would for the quoting docs use ('…', "…", backslash). */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unclosed ' in: ${line}`);
      word += line.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === '\\' && j + 1 < line.length) j++;
        word += line[j];
      }
      if (j >= line.length) throw new Error(`unclosed " in: ${line}`);
      inWord = true;
      i = j;
    } else if (c === '\\' && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (c === ' ' || c === '\t') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** The commands of a ```console block that starts at `line`. */
export function commandsOf(block: Block): Command[] {
  const lines = block.body.replace(/\n$/, '').split('\n');
  const out: Command[] = [];
  for (let i = 0; i < lines.length; i++) {
    const at = lines[i] ?? '';
    const line = block.line + 1 + i;
    if (!at.startsWith('$ ')) throw new Error(`line ${block.line + 1 + i}: a transcript starts each command with "$ "`);
    let cmd = at.slice(2);
    let exit = 0;
    const exitMark = /\s+# exit (\d+)$/.exec(cmd);
    if (exitMark) {
      exit = Number(exitMark[1]);
      cmd = cmd.slice(0, exitMark.index);
    }
    const output: string[] = [];
    for (; i + 1 < lines.length && !(lines[i + 1] ?? '').startsWith('$ '); i++) output.push(lines[i + 1] ?? '');
    const argv = shellWords(cmd);
    const env: Record<string, string> = {};
    for (let m = /^([A-Z_][A-Z0-9_]*)=(.*)$/s.exec(argv[0] ?? ''); m !== null; m = /^([A-Z_][A-Z0-9_]*)=(.*)$/s.exec(argv[0] ?? '')) {
      env[m[1] as string] = m[2] as string;
      argv.shift();
    }
    out.push({ line, ...(Object.keys(env).length > 0 ? { env } : {}), argv, exit, expected: output.length === 0 ? '' : `${output.join('\n')}\n` });
  }
  return out;
}

/**
 * Whether `actual` is what `expected` shows: line by line, where an expected line `…` matches any
 * number of actual lines (the shortest that lets the rest match).
 */
export function matchesTranscript(expected: string, actual: string): boolean {
  const e = expected.split('\n');
  const a = actual.split('\n');
  const memo = new Map<string, boolean>();
  const go = (i: number, j: number): boolean => {
    const key = `${i}:${j}`;
    const seen = memo.get(key);
    if (seen !== undefined) return seen;
    let r: boolean;
    if (i === e.length) r = j === a.length;
    else if (e[i] === '…') r = go(i + 1, j) || (j < a.length && go(i, j + 1));
    else r = j < a.length && e[i] === a[j] && go(i + 1, j + 1);
    memo.set(key, r);
    return r;
  };
  return go(0, 0);
}

/** GitHub's anchor of a heading: lower case, punctuation but `-` and `_` dropped, spaces to `-`. */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors of a page's headings (a repeated heading gets -1, -2 … as on GitHub). */
export function anchorsOf(text: string): Set<string> {
  const out = new Set<string>();
  const counts = new Map<string, number>();
  let fenced = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    if (fenced) continue;
    const h = /^#{1,6}\s+(.*)$/.exec(line);
    if (!h) continue;
    const base = slug(h[1] ?? '');
    const n = counts.get(base) ?? 0;
    counts.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** The relative links of a page (`[text](target)`, outside code), with their lines. */
export function linksOf(text: string): { line: number; target: string }[] {
  const out: { line: number; target: string }[] = [];
  let fenced = false;
  text.split('\n').forEach((line, i) => {
    if (line.startsWith('```')) fenced = !fenced;
    if (fenced) return;
    const plain = line.replace(/`[^`]*`/g, '');
    for (const m of plain.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      const target = m[1] ?? '';
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
      out.push({ line: i + 1, target });
    }
  });
  return out;
}
