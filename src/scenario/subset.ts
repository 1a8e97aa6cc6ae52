/**
 * The loader's first reader: a scanner for the plain subset of YAML that scenario files (and the
 * big generated ones above all) are written in, which builds the plain value and the located
 * tree in one pass over the text, about three times as fast as js-yaml with its listener.
 *
 * The subset: a block map at the top; block maps and block sequences, indented with spaces;
 * `- key: value` items (a map that starts on the dash's line); flow maps and sequences that end
 * on the line they start on; plain scalars of printable ASCII without `:`, `#`, `,`, brackets or
 * braces, that fit on one line; quoted scalars without escapes (`\`, `''`) on one line; comments.
 * Anything else — a tab, a CR, a line break inside a flow collection or a scalar, an anchor, a
 * tag, a block scalar, a complex key, a sequence at its key's indent, a document
 * marker, a byte-order mark, a control character, anything past a limit of limits.ts (so a file
 * it takes needs no other check of them) — and the scanner gives up (returns undefined)
 * and js-yaml reads the file (fast.ts), or failing that the positioned path.
 *
 * Within the subset a YAML parser has no choices to make, so what it builds is what the
 * positioned path builds. tests/scenario/subset.test.ts checks that on generated files: values,
 * and every position the index gives.
 */
import { DUPLICATE_KEY_HINT, duplicateKeyMessage, type FastRead, type Raw } from './source.js';
import { isNumberSpelling, MAP, plainValue, SEQ, TreeBuilder } from './tree.js';
import { MAX_ENTRIES, MAX_NESTING, MAX_TEXT } from './limits.js';

class GiveUp extends Error {}

const NL = 0x0a;
const SPACE = 0x20;
const HASH = 0x23;
const DQUOTE = 0x22;
const SQUOTE = 0x27;
const COMMA = 0x2c;
const DASH = 0x2d;
const COLON = 0x3a;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const LBRACE = 0x7b;
const RBRACE = 0x7d;

/** Character classes below 128: may continue a plain scalar; may also start one. */
const INSIDE = 1;
const START = 2;
const CLASS = new Uint8Array(128);
for (let c = 0x21; c < 0x7f; c++) CLASS[c] = INSIDE;
for (const c of ':#,[]{}') CLASS[c.charCodeAt(0)] = 0;
for (let c = 0x21; c < 0x7f; c++) if (CLASS[c] === INSIDE && !'-?:,[]{}#&*!|>\'"%@`'.includes(String.fromCharCode(c))) CLASS[c] = INSIDE | START;

/** Printable characters a comment or a quoted scalar may hold (YAML's c-printable, on one line). */
function printable(c: number): boolean {
  return (c >= 0x20 && c < 0x7f) || (c >= 0xa0 && c < 0xd800) || (c >= 0xe000 && c < 0xfffe && c !== 0xfeff);
}

/** Longest key taken (YAML limits implicit keys to 1024 characters). */
const MAX_KEY = 1000;

/** Deepest nesting taken (the scanner recurses): deeper files are read by js-yaml, and refused (limits.ts). */
const MAX_DEPTH = MAX_NESTING;

/** The plain value and its positions, or undefined when the file leaves the subset. */
export function scanSubset(text: string): FastRead | undefined {
  const scanner = new Scanner(text);
  try {
    return scanner.document();
  } catch (error) {
    if (error instanceof GiveUp) return undefined;
    throw error;
  }
}

class Scanner {
  private readonly text: string;
  private readonly n: number;
  private readonly tree: TreeBuilder;
  private pos = 0;
  /** Where the current line starts. */
  private lineStart = 0;
  /** The indent of the content line `pos` is on (-1: the end of the text), set by nextLine. */
  private indent = 0;
  /** What the last read returned: its value and its node id. */
  private value: Raw = null;
  private id = 0;
  /** How many collections are open. */
  private depth = 0;
  /**
   * In a flow collection: the column of the block collection around it (its lines after the
   * first must be indented past it; the outermost closing bracket may stand at it), and how many
   * flow collections are open.
   */
  private flowIndent = 0;
  private flowDepth = 0;
  /** Keys written twice in one map: where, and the key. */
  private readonly duplicates: [number, string][] = [];
  /** How many values of duplicate keys are being read (and dropped). */
  private dropping = 0;
  /** The last keys and strings read, by slot (see slot). */
  private readonly keys: (string | undefined)[] = new Array<string | undefined>(1024).fill(undefined);
  private readonly strings: (string | undefined)[] = new Array<string | undefined>(1024).fill(undefined);

  constructor(text: string) {
    this.text = text;
    this.n = text.length;
    this.tree = new TreeBuilder(text);
  }

  document(): FastRead {
    this.nextLine();
    if (this.indent !== 0 || this.isDash(this.pos)) throw new GiveUp();
    this.blockMap(0);
    if ((this.indent as number) !== -1) throw new GiveUp();
    const index = this.tree.index(this.id);
    const problems = this.duplicates.map(([at, key]) => ({ loc: index.loc(at), code: 'DUPLICATE_KEY' as const, message: duplicateKeyMessage(key), hint: DUPLICATE_KEY_HINT }));
    return { value: this.value, index, problems, withinLimits: true };
  }

  /**
   * A key already in its map: noted (where it is written), and its value is read but kept out
   * of the map and the tree, as the positioned path keeps the first value of a key. Returns
   * where the tree's open entries were, to drop the value's entries after it is read (dropped).
   */
  private duplicate(keyStart: number, key: string): number {
    // (inside a value that is dropped nothing is reported: the positioned path never looks there)
    if (this.dropping === 0) this.duplicates.push([keyStart, key]);
    this.dropping++;
    return this.tree.openEnd;
  }

  /** After the value of a key written twice: its entries dropped. */
  private dropped(from: number): void {
    this.dropping--;
    this.tree.openEnd = from;
  }

  private at(i: number): number {
    return this.text.charCodeAt(i);
  }

  /** Whether `i` holds a sequence entry's dash: "-" then a space or the end of the line. */
  private isDash(i: number): boolean {
    if (this.at(i) !== DASH) return false;
    const c = this.at(i + 1);
    return c === SPACE || c === NL || i + 1 >= this.n;
  }

  /**
   * From the start of a line, past blank lines and comment lines, to the first character of the
   * next content line; sets `indent` (-1 at the end of the text).
   */
  private nextLine(): void {
    const { text, n } = this;
    let i = this.pos;
    for (;;) {
      const lineStart = i;
      while (i < n && text.charCodeAt(i) === SPACE) i++;
      if (i >= n) {
        this.pos = n;
        this.lineStart = lineStart;
        this.indent = -1;
        return;
      }
      const c = text.charCodeAt(i);
      if (c === NL) {
        i++;
        continue;
      }
      if (c === HASH) {
        i = this.skipComment(i);
        if (i < n) i++;
        continue;
      }
      this.pos = i;
      this.lineStart = lineStart;
      this.indent = i - lineStart;
      return;
    }
  }

  /** From a "#" to the line break (or the end), checking what the comment holds. */
  private skipComment(from: number): number {
    const { text, n } = this;
    let i = from + 1;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === NL) break;
      if (!printable(c)) throw new GiveUp();
    }
    return i;
  }

  /** After a value: spaces, perhaps a comment, then the line break (or the end of the text). */
  private endLine(): void {
    const { text, n } = this;
    let i = this.pos;
    while (i < n && text.charCodeAt(i) === SPACE) i++;
    if (i < n && text.charCodeAt(i) === HASH) {
      if (i === this.pos) throw new GiveUp(); // a comment needs a space before it
      i = this.skipComment(i);
    }
    if (i < n) {
      if (text.charCodeAt(i) !== NL) throw new GiveUp();
      i++;
    }
    this.pos = i;
  }

  /** A block map whose keys are at column `indent`, from its first key (at `pos`). */
  private blockMap(indent: number): void {
    if (++this.depth > MAX_DEPTH) throw new GiveUp();
    const { tree } = this;
    const base = tree.openEnd;
    const start = this.pos;
    const map: Record<string, Raw> = {};
    let count = 0;
    for (;;) {
      const keyStart = this.pos;
      const key = this.key();
      if (this.at(this.pos) !== COLON) throw new GiveUp();
      const afterColon = ++this.pos;
      const dropFrom = Object.hasOwn(map, key) ? this.duplicate(keyStart, key) : -1;
      tree.push(tree.key(keyStart, key));
      const c = this.at(afterColon);
      let inline = false;
      if (c === SPACE) {
        let i = afterColon;
        while (this.at(i) === SPACE) i++;
        const d = this.at(i);
        inline = i < this.n && d !== NL && d !== HASH;
        if (inline) this.pos = i;
      } else if (c !== NL && afterColon < this.n) throw new GiveUp();
      if (inline) {
        this.flowIndent = indent;
        this.inlineValue();
        this.endLine();
        this.nextLine();
      } else {
        this.endLine();
        this.nextLine();
        if (this.indent > indent) {
          if (this.isDash(this.pos)) this.blockSeq(this.indent);
          else this.blockMap(this.indent);
        } else {
          // `key:` with nothing after it
          this.value = null;
          this.id = tree.scalar(-1 - afterColon);
        }
      }
      if (dropFrom < 0) {
        map[key] = this.value;
        tree.push(this.id);
        count++;
      } else this.dropped(dropFrom);
      if (this.indent === indent && !this.isDash(this.pos)) continue;
      if (this.indent < indent) break;
      throw new GiveUp();
    }
    this.value = map;
    this.depth--;
    if (count > MAX_ENTRIES) throw new GiveUp();
    this.id = tree.container(MAP, start, base, count);
  }

  /** A block sequence whose dashes are at column `indent`, from its first dash (at `pos`). */
  private blockSeq(indent: number): void {
    if (++this.depth > MAX_DEPTH) throw new GiveUp();
    const { tree } = this;
    const base = tree.openEnd;
    const start = this.pos;
    const items: Raw[] = [];
    for (;;) {
      // at a dash followed by a space
      let i = this.pos + 1;
      if (this.at(i) !== SPACE) throw new GiveUp();
      while (this.at(i) === SPACE) i++;
      const c = this.at(i);
      if (i >= this.n || c === NL || c === HASH || this.isDash(i)) throw new GiveUp();
      this.pos = i;
      if (c !== LBRACE && c !== LBRACKET && this.startsKey()) {
        // `- key: value`: a map whose keys are at this column
        this.blockMap(i - this.lineStart);
      } else {
        this.flowIndent = indent;
        this.inlineValue();
        this.endLine();
        this.nextLine();
      }
      items.push(this.value);
      tree.push(this.id);
      if (this.indent === indent && this.isDash(this.pos)) continue;
      if (this.indent < indent) break;
      throw new GiveUp();
    }
    this.value = items;
    this.depth--;
    if (items.length > MAX_ENTRIES) throw new GiveUp();
    this.id = tree.container(SEQ, start, base, items.length);
  }

  /** Whether a key starts at `pos` (a scalar followed by ":" and a space or the line's end). */
  private startsKey(): boolean {
    const from = this.pos;
    const c = this.at(from);
    if (c === DQUOTE || c === SQUOTE) this.quoted();
    else this.plainText();
    const i = this.pos;
    this.pos = from;
    if (this.at(i) !== COLON) return false;
    const next = this.at(i + 1);
    return next === SPACE || next === NL || i + 1 >= this.n;
  }

  /** A key: a plain or quoted scalar whose text is the key (`True:` and `~:` are not taken). */
  private key(): string {
    const start = this.pos;
    const c = this.at(start);
    let key: string;
    if (c === DQUOTE || c === SQUOTE) key = this.quoted();
    else {
      const end = this.plainEnd();
      const slot = this.slot(start, end);
      const known = this.keys[slot];
      if (known !== undefined && known.length === end - start && this.text.startsWith(known, start)) return known;
      key = this.text.slice(start, end);
      // The positioned path compares keys by value: `1` and `0x1` are the same key there. Taking
      // only keys whose value is their text (a decimal integer of at most 15 digits, exact as a
      // double, or a string that is not a number) keeps the two comparisons the same.
      const value = plainValue(key);
      if (typeof value === 'string' ? isNumberSpelling(key) : String(value) !== key || key.length > 15) throw new GiveUp();
      // (and `__proto__` would set the map's prototype rather than a key)
      if (end - start > MAX_KEY || key === '__proto__') throw new GiveUp();
      this.keys[slot] = key;
      return key;
    }
    if (this.pos - start > MAX_KEY || key === '__proto__') throw new GiveUp();
    return key;
  }

  /** A value on the line, in block context: a flow collection or a scalar. */
  private inlineValue(): void {
    const c = this.at(this.pos);
    if (c === LBRACE) this.flowMap();
    else if (c === LBRACKET) this.flowSeq();
    else this.scalar();
  }

  /** A scalar at `pos`: quoted, or plain (read as the core schema reads it). */
  private scalar(): void {
    const start = this.pos;
    const c = this.at(start);
    if (c === DQUOTE || c === SQUOTE) this.value = this.quoted();
    else {
      const end = this.plainEnd();
      this.value = this.plainAt(start, end);
    }
    if (this.pos - start > MAX_TEXT) throw new GiveUp();
    this.id = this.tree.scalar(start);
  }

  /**
   * The value of the plain scalar from `start` to `end`. A decimal integer of up to 15 digits is
   * read without making its text; a string that is its own value is taken from the last ones
   * seen where it can be (names repeat: the same text is then one string, not one per use).
   */
  private plainAt(start: number, end: number): Raw {
    const { text } = this;
    if (end - start <= 15) {
      let n = 0;
      let i = start;
      for (; i < end; i++) {
        const d = text.charCodeAt(i) - 0x30;
        if (d < 0 || d > 9) break;
        n = n * 10 + d;
      }
      if (i === end) return BigInt(n);
    }
    const slot = this.slot(start, end);
    const known = this.strings[slot];
    if (known !== undefined && known.length === end - start && text.startsWith(known, start)) return known;
    const s = text.slice(start, end);
    const value = plainValue(s);
    if (value === s) this.strings[slot] = s;
    return value;
  }

  /** Where the text from `start` to `end` is remembered in `keys` and `strings`. */
  private slot(start: number, end: number): number {
    const { text } = this;
    return (text.charCodeAt(start) * 7 + text.charCodeAt(end - 1) * 31 + text.charCodeAt((start + end) >> 1) * 131 + (end - start) * 1031) & 1023;
  }

  /** A plain scalar's text. */
  private plainText(): string {
    const start = this.pos;
    return this.text.slice(start, this.plainEnd());
  }

  /**
   * Past a plain scalar (words of the allowed characters with single-line spaces between), from
   * `pos`; where it ends.
   */
  private plainEnd(): number {
    const { text, n } = this;
    const start = this.pos;
    let c = text.charCodeAt(start);
    if (c >= 128 || (CLASS[c] as number) < START) {
      // "-" may start a plain scalar when a character of one follows it (`-1`, `-x`)
      const next = text.charCodeAt(start + 1);
      if (c !== DASH || !(next < 128 && (CLASS[next] as number) & INSIDE)) throw new GiveUp();
    }
    let i = start + 1;
    let end = i;
    for (;;) {
      while (i < n && (c = text.charCodeAt(i)) < 128 && (CLASS[c] as number) & INSIDE) i++;
      end = i;
      if (c !== SPACE) break;
      while (i < n && text.charCodeAt(i) === SPACE) i++;
      c = text.charCodeAt(i);
      if (!(i < n && c < 128 && (CLASS[c] as number) & INSIDE)) break;
    }
    this.pos = end;
    return end;
  }

  /** A quoted scalar on one line, without escapes. */
  private quoted(): string {
    const { text, n } = this;
    const quote = text.charCodeAt(this.pos);
    const start = this.pos + 1;
    let i = start;
    for (;;) {
      if (i >= n) throw new GiveUp();
      const c = text.charCodeAt(i);
      if (c === quote) break;
      if (c === 0x5c || !printable(c)) throw new GiveUp(); // "\": an escape
      i++;
    }
    if (quote === SQUOTE && text.charCodeAt(i + 1) === SQUOTE) throw new GiveUp(); // '' is a quote
    this.pos = i + 1;
    return text.slice(start, i);
  }

  /**
   * Spaces inside a flow collection, and (unless `breaks` is false) line breaks, blank lines and
   * comments: a flow collection may go on over lines indented past its block's column (its
   * closing bracket may stand at that column). A line break after `key:` is not taken, nor a
   * line whose indent the positioned path would refuse.
   */
  private flowSpaces(breaks = true): number {
    const { text, n } = this;
    let i = this.pos;
    let c = text.charCodeAt(i);
    for (;;) {
      if (c === SPACE) c = text.charCodeAt(++i);
      else if (c === NL && breaks) {
        const lineStart = ++i;
        while (text.charCodeAt(i) === SPACE) i++;
        if (i >= n) throw new GiveUp();
        c = text.charCodeAt(i);
        if (c === NL) continue;
        const indent = i - lineStart;
        const closer = (c === RBRACKET || c === RBRACE) && this.flowDepth === 1;
        if (closer ? indent < this.flowIndent : indent <= this.flowIndent) throw new GiveUp();
      } else if (c === HASH && breaks && (text.charCodeAt(i - 1) === SPACE || text.charCodeAt(i - 1) === NL)) {
        i = this.skipComment(i);
        c = text.charCodeAt(i);
      } else break;
    }
    this.pos = i;
    if (i >= n) throw new GiveUp();
    return c;
  }

  private flowValue(): void {
    const c = this.at(this.pos);
    if (c === LBRACE) this.flowMap();
    else if (c === LBRACKET) this.flowSeq();
    else this.scalar();
  }

  private flowMap(): void {
    if (++this.depth > MAX_DEPTH) throw new GiveUp();
    const { tree } = this;
    const base = tree.openEnd;
    const start = this.pos++;
    this.flowDepth++;
    const map: Record<string, Raw> = {};
    let count = 0;
    if (this.flowSpaces() !== RBRACE) {
      for (;;) {
        const keyStart = this.pos;
        const key = this.key();
        if (this.at(this.pos) !== COLON || this.at(this.pos + 1) !== SPACE) throw new GiveUp();
        this.pos += 2;
        const dropFrom = Object.hasOwn(map, key) ? this.duplicate(keyStart, key) : -1;
        tree.push(tree.key(keyStart, key));
        this.flowSpaces(false);
        this.flowValue();
        if (dropFrom < 0) {
          map[key] = this.value;
          tree.push(this.id);
          count++;
        } else this.dropped(dropFrom);
        const c = this.flowSpaces();
        if (c === RBRACE) break;
        if (c !== COMMA) throw new GiveUp();
        this.pos++;
        const d = this.flowSpaces();
        if (d === RBRACE) break; // a trailing comma
        if (d === COMMA) throw new GiveUp();
      }
    }
    this.pos++;
    this.flowDepth--;
    this.value = map;
    this.depth--;
    if (count > MAX_ENTRIES) throw new GiveUp();
    this.id = tree.container(MAP, start, base, count);
  }

  private flowSeq(): void {
    if (++this.depth > MAX_DEPTH) throw new GiveUp();
    const { tree } = this;
    const base = tree.openEnd;
    const start = this.pos++;
    this.flowDepth++;
    const items: Raw[] = [];
    if (this.flowSpaces() !== RBRACKET) {
      for (;;) {
        this.flowValue();
        items.push(this.value);
        tree.push(this.id);
        const c = this.flowSpaces();
        if (c === RBRACKET) break;
        if (c !== COMMA) throw new GiveUp();
        this.pos++;
        const d = this.flowSpaces();
        if (d === RBRACKET) break; // a trailing comma
        if (d === COMMA) throw new GiveUp();
      }
    }
    this.pos++;
    this.flowDepth--;
    this.value = items;
    this.depth--;
    if (items.length > MAX_ENTRIES) throw new GiveUp();
    this.id = tree.container(SEQ, start, base, items.length);
  }
}
