/**
 * A persistent vector: a 32-way trie of arrays with path copying. Writing one element
 * copies only the arrays on its path (32 slots per level, log32(n) levels) and shares the rest,
 * so one event never copies a container of every participant, account or epoch.
 *
 * A `PVec` is a class instance, which immer treats as an opaque value: drafts never proxy or copy
 * its nodes (reading through a draft returns it as is), and a reducer replaces a vector by
 * assigning the new one that `vecSet`/`vecPush` return. Nodes are created lazily, so a sparse
 * vector costs only the paths that were written.
 *
 * Nodes are never written after they are built (every write copies its path), and their type is
 * read-only; they are deliberately not `Object.freeze`d, because V8 copies a frozen array about
 * fifty times slower than a plain one. Nor is a `PVec` (freezing each new version cost ~15 ns a
 * write): its fields are read-only to the compiler, and tests check that no event changes an
 * earlier state.
 */

const BITS = 5;
const WIDTH = 1 << BITS;
const MASK = WIDTH - 1;

/** A leaf holds values; an inner node holds children. A missing or null slot was never written. */
export type PNode<T> = readonly (T | PNode<T> | null | undefined)[];

/**
 * How many writes a vector's history links (see `parent`): far more than an ordinary event
 * makes to one vector, and a bound on what a chain of versions keeps alive inside a transaction
 * (an end_epoch over 100 000 participants writes them all and is diffed by a walk instead).
 */
const HISTORY = 64;

export class PVec<T> {
  /**
   * @param size     one past the highest index that may hold an element
   * @param shift    bits below the root: 0 means the root is a leaf
   * @param parent   the version this one was written from by one `vecSet`/`vecRemove`, or null:
   *                 with `written`, the history `writtenSince` reads. A transaction seals the
   *                 vectors it commits (`sealed`), so history never outlives the event that made it.
   * @param written  the index that write changed (-1 without a parent)
   * @param age      how many parents this version has (at most HISTORY)
   */
  constructor(
    readonly size: number,
    readonly shift: number,
    readonly root: PNode<T>,
    readonly parent: PVec<T> | null = null,
    readonly written: number = -1,
    readonly age: number = 0,
  ) {}
}

/** The version written from `vec` at `index`, linked to `vec` while the history has room. */
function child<T>(vec: PVec<T>, size: number, shift: number, root: PNode<T>, index: number): PVec<T> {
  return vec.age < HISTORY ? new PVec<T>(size, shift, root, vec, index, vec.age + 1) : new PVec<T>(size, shift, root);
}

/** The same vector without history (the one to commit: it keeps no older version alive). */
export function sealed<T>(vec: PVec<T>): PVec<T> {
  return vec.parent === null ? vec : new PVec<T>(vec.size, vec.shift, vec.root);
}

/**
 * The indexes written on the way from `before` to `after` (ascending, each once), when `after`
 * was made from `before` by writes its history still links; null otherwise (a vector rebuilt by
 * `vecOf`, a history too long), and then only a walk (`vecDiff`) can tell what changed.
 */
export function writtenSince<T>(before: PVec<T>, after: PVec<T>): number[] | null {
  let count = 0;
  for (let version: PVec<T> | null = after; version !== before; version = version.parent) {
    if (version === null) return null;
    count++;
  }
  // Sized up front: a list grown by push starts with room for 17.
  const indexes = new Array<number>(count);
  let at = 0;
  for (let version = after; version !== before; version = version.parent as PVec<T>) indexes[at++] = version.written;
  // Insertion sort, dropping repeats: the lists are short, and Array.prototype.sort allocates
  // about a kilobyte of working state per call, which after every event added up to GC time.
  let kept = 0;
  for (let i = 0; i < indexes.length; i++) {
    const index = indexes[i] as number;
    let at = kept;
    while (at > 0 && (indexes[at - 1] as number) > index) at--;
    if (at > 0 && indexes[at - 1] === index) continue;
    for (let j = kept; j > at; j--) indexes[j] = indexes[j - 1] as number;
    indexes[at] = index;
    kept++;
  }
  if (kept < count) indexes.length = kept;
  return indexes;
}

const EMPTY_NODE: PNode<never> = [];

/** Indexes stay below 2^30: six levels at most. */
const MAX_SIZE = 2 ** 30;

/**
 * How many elements a trie whose root sits `shift` bits up can hold: 2^(shift + BITS). Spans and
 * capacities come from shifts and tables, never from `**` with a variable exponent, which V8
 * computes through a slow generic path (it made one diff of a vector ten times slower).
 */
const CAPACITY = Array.from({ length: Math.ceil(30 / BITS) + 1 }, (_, k) => 2 ** (BITS * (k + 1)));

function capacity(shift: number): number {
  return CAPACITY[shift / BITS] as number;
}

function shiftFor(size: number): number {
  let shift = 0;
  while (capacity(shift) < size) shift += BITS;
  return shift;
}

export function emptyVec<T>(): PVec<T> {
  return new PVec<T>(0, 0, EMPTY_NODE);
}

/** A vector of `size` absent elements; nodes appear as elements are written. */
export function sparseVec<T>(size: number): PVec<T> {
  return new PVec<T>(size, shiftFor(size), EMPTY_NODE);
}

/** Builds a vector of `values` in one go; `null`/`undefined` entries are absent. */
export function vecOf<T>(values: readonly (T | null | undefined)[]): PVec<T> {
  const shift = shiftFor(values.length);
  const build = (level: number, start: number): PNode<T> => {
    if (level === 0) return values.slice(start, Math.min(start + WIDTH, values.length));
    const span = 1 << level;
    const children: PNode<T>[] = [];
    for (let s = start; s < Math.min(start + span * WIDTH, values.length); s += span) children.push(build(level - BITS, s));
    return children;
  };
  return new PVec<T>(values.length, shift, build(shift, 0));
}

export function vecGet<T>(vec: PVec<T>, index: number): T | undefined {
  if (index < 0 || index >= vec.size) return undefined;
  let node: PNode<T> | null | undefined = vec.root;
  for (let level = vec.shift; level > 0; level -= BITS) {
    node = node[(index >>> level) & MASK] as PNode<T> | null | undefined;
    if (!node) return undefined;
  }
  return (node[index & MASK] as T | null | undefined) ?? undefined;
}

function setIn<T>(node: PNode<T> | null | undefined, level: number, index: number, value: T): PNode<T> {
  const copy = node ? node.slice() : [];
  const slot = (index >>> level) & MASK;
  copy[slot] = level === 0 ? value : setIn(node?.[slot] as PNode<T> | null | undefined, level - BITS, index, value);
  return copy;
}

function checkIndex(index: number): void {
  if (!Number.isSafeInteger(index) || index < 0 || index >= MAX_SIZE) throw new RangeError(`vector index ${index} out of range`);
}

/**
 * A new vector with `value` at `index`; writing past the end grows the vector. A vector stored
 * in a vector is stored sealed, so a nested vector never keeps its history.
 */
export function vecSet<T>(vec: PVec<T>, index: number, value: T): PVec<T> {
  if (value instanceof PVec) value = sealed(value) as T;
  checkIndex(index);
  let { root, shift } = vec;
  const size = Math.max(vec.size, index + 1);
  while (capacity(shift) < size) {
    root = [root];
    shift += BITS;
  }
  return child(vec, size, shift, setIn(root, shift, index, value), index);
}

/**
 * `vecSet(vecSet(vec, i, a), j, b)` in one pass: the nodes above both indexes are copied once
 * (the two balances of a bank send usually share all but their leaves). `i` and `j` must differ.
 */
export function vecSet2<T>(vec: PVec<T>, i: number, a: T, j: number, b: T): PVec<T> {
  if (i === j || a instanceof PVec || b instanceof PVec) return vecSet(vecSet(vec, i, a), j, b);
  checkIndex(i);
  checkIndex(j);
  let { root, shift } = vec;
  const size = Math.max(vec.size, i + 1, j + 1);
  while (capacity(shift) < size) {
    root = [root];
    shift += BITS;
  }
  const next = set2In(root, shift, i, a, j, b);
  // Two history links, each with the final root: links for writtenSince, not vectors to read.
  return child(child(vec, size, shift, next, i), size, shift, next, j);
}

function set2In<T>(node: PNode<T> | null | undefined, level: number, i: number, a: T, j: number, b: T): PNode<T> {
  const copy = node ? node.slice() : [];
  const si = (i >>> level) & MASK;
  const sj = (j >>> level) & MASK;
  if (level === 0) {
    copy[si] = a;
    copy[sj] = b;
  } else if (si === sj) {
    copy[si] = set2In(node?.[si] as PNode<T> | null | undefined, level - BITS, i, a, j, b);
  } else {
    copy[si] = setIn(node?.[si] as PNode<T> | null | undefined, level - BITS, i, a);
    copy[sj] = setIn(node?.[sj] as PNode<T> | null | undefined, level - BITS, j, b);
  }
  return copy;
}

/**
 * `vecSet` of `values[k]` at `indexes[k]` for every k in order (none where the value is
 * undefined), in one pass: each node on the written paths is copied once, however many of the
 * writes go through it (the hosts of a settlement share the root of the participants' trie), and
 * the copies this call made are written in place — no other version can see them yet.
 */
export function vecSetMany<T>(vec: PVec<T>, indexes: readonly number[], values: readonly (T | undefined)[]): PVec<T> {
  let size = vec.size;
  let count = 0;
  for (let k = 0; k < indexes.length; k++) {
    const value = values[k];
    if (value === undefined) continue;
    if (value instanceof PVec) return vecSetEach(vec, indexes, values);
    const index = indexes[k] as number;
    checkIndex(index);
    if (index + 1 > size) size = index + 1;
    count++;
  }
  if (count === 0) return vec;
  if (count === 1) {
    for (let k = 0; k < indexes.length; k++) if (values[k] !== undefined) return vecSet(vec, indexes[k] as number, values[k] as T);
  }
  let { root, shift } = vec;
  while (capacity(shift) < size) {
    root = [root];
    shift += BITS;
  }
  const top: WritableNode<T> = root.slice();
  for (let k = 0; k < indexes.length; k++) {
    const value = values[k];
    if (value === undefined) continue;
    const index = indexes[k] as number;
    let node = top;
    for (let level = shift; level > 0; level -= BITS) {
      const slot = (index >>> level) & MASK;
      const child = node[slot] as PNode<T> | null | undefined;
      // The child was copied by an earlier write of this call when that write's path passes
      // through it (same index bits above `level`): it is then written, not copied again.
      if (pathCopied(indexes, values, k, index >>> level, level)) node = child as WritableNode<T>;
      else {
        const copy: WritableNode<T> = child ? child.slice() : [];
        node[slot] = copy;
        node = copy;
      }
    }
    node[index & MASK] = value;
  }
  // One history link per write, each with the final root (links for writtenSince, as vecSet2's).
  let next = vec;
  for (let k = 0; k < indexes.length; k++) if (values[k] !== undefined) next = child(next, size, shift, top, indexes[k] as number);
  return next;
}

/** A node `vecSetMany` copied and may still write. */
type WritableNode<T> = (T | PNode<T> | null | undefined)[];

/**
 * True when a write before the k-th (one with a value) goes through the node whose index bits
 * above `level` are `prefix`: a scan of the earlier writes rather than a list of the copies
 * made, which cost an array and a closure per call (the writes are a settlement's few hosts).
 */
function pathCopied<T>(indexes: readonly number[], values: readonly (T | undefined)[], k: number, prefix: number, level: number): boolean {
  for (let j = 0; j < k; j++) if (values[j] !== undefined && (indexes[j] as number) >>> level === prefix) return true;
  return false;
}

/** `vecSetMany` as a sequence of `vecSet`s (for values that are vectors, which vecSet seals). */
function vecSetEach<T>(vec: PVec<T>, indexes: readonly number[], values: readonly (T | undefined)[]): PVec<T> {
  let next = vec;
  for (let k = 0; k < indexes.length; k++) {
    const value = values[k];
    if (value !== undefined) next = vecSet(next, indexes[k] as number, value);
  }
  return next;
}

/** A new vector without the element at `index` (it reads as absent; the size is unchanged). */
export function vecRemove<T>(vec: PVec<T>, index: number): PVec<T> {
  if (vecGet(vec, index) === undefined) return vec;
  return child(vec, vec.size, vec.shift, setIn(vec.root, vec.shift, index, null as unknown as T), index);
}

export function vecPush<T>(vec: PVec<T>, value: T): PVec<T> {
  return vecSet(vec, vec.size, value);
}

/** The values present and their indices, in index order, one at a time (vecForEach as an iterator). */
export function* vecEntries<T>(vec: PVec<T>): Generator<[number, T]> {
  function* walk(node: PNode<T>, level: number, base: number): Generator<[number, T]> {
    const span = 1 << level;
    for (let i = 0; i < node.length; i++) {
      const child = node[i];
      if (child === null || child === undefined) continue;
      const index = base + i * span;
      if (level === 0) yield [index, child as T];
      else yield* walk(child as PNode<T>, level - BITS, index);
    }
  }
  yield* walk(vec.root, vec.shift, 0);
}

/** Visits every present element in index order. */
export function vecForEach<T>(vec: PVec<T>, visit: (value: T, index: number) => void): void {
  const walk = (node: PNode<T>, level: number, base: number): void => {
    const span = 1 << level;
    for (let i = 0; i < node.length; i++) {
      const child = node[i];
      if (child === null || child === undefined) continue;
      const index = base + i * span;
      if (level === 0) visit(child as T, index);
      else walk(child as PNode<T>, level - BITS, index);
    }
  };
  walk(vec.root, vec.shift, 0);
}

/**
 * Calls `changed(index, before, after)` for every element that differs (by identity) between
 * two versions of one vector, in index order, descending only into nodes that are not shared.
 * (When `writtenSince` knows the written indexes, reading just those is cheaper still.) With path copying
 * this costs O(changed × depth), which lets invariants be checked after every event without
 * scanning every participant.
 */
export function vecDiff<T>(
  before: PVec<T>,
  after: PVec<T>,
  changed: (index: number, before: T | undefined, after: T | undefined) => void,
): void {
  if (before === after || before.root === after.root) return;
  let a: PNode<T> = before.root;
  let b: PNode<T> = after.root;
  // A vector that grew: its old root is the first child of the new one.
  for (let shift = before.shift; shift < after.shift; shift += BITS) a = [a];
  for (let shift = after.shift; shift < before.shift; shift += BITS) b = [b];
  diffNodes(a, b, Math.max(before.shift, after.shift), 0, changed);
}

/** The walk of vecDiff: a plain loop per node (this runs after every event, so it stays tight). */
function diffNodes<T>(
  x: PNode<T> | null | undefined,
  y: PNode<T> | null | undefined,
  level: number,
  base: number,
  changed: (index: number, before: T | undefined, after: T | undefined) => void,
): void {
  if (x === y) return;
  const xs = x ?? EMPTY_NODE;
  const ys = y ?? EMPTY_NODE;
  const len = xs.length > ys.length ? xs.length : ys.length;
  for (let i = 0; i < len; i++) {
    // An absent slot reads as undefined whether it is past the end, a hole or null.
    const cx = i < xs.length ? (xs[i] ?? undefined) : undefined;
    const cy = i < ys.length ? (ys[i] ?? undefined) : undefined;
    if (cx === cy) continue;
    if (level === 0) changed(base + i, cx as T | undefined, cy as T | undefined);
    else diffNodes(cx as PNode<T> | undefined, cy as PNode<T> | undefined, level - BITS, base + i * (1 << level), changed);
  }
}
