/**
 * A persistent vector of plain nested arrays (a 32-way trie), shaped so that immer's structural
 * sharing stays cheap: writing one element inside `produce` copies only the arrays on its path
 * (32 slots per level, log32(n) levels), never a container of every participant or account.
 *
 * Nodes are created lazily, so a sparse vector costs only the paths that were written.
 * Functions named `…Mutably` write to an immer draft and return nothing.
 */

const BITS = 5;
const WIDTH = 1 << BITS;
const MASK = WIDTH - 1;

/** A leaf holds values; an inner node holds children. `null` marks a slot never written. */
export type PNode<T> = readonly (T | PNode<T> | null)[];

export interface PVec<T> {
  readonly size: number;
  /** Levels below the root: 0 means the root is a leaf. */
  readonly shift: number;
  readonly root: PNode<T>;
}

export function emptyVec<T>(): PVec<T> {
  return { size: 0, shift: 0, root: [] };
}

function capacity(shift: number): number {
  return WIDTH ** (shift / BITS + 1);
}

function shiftFor(size: number): number {
  let shift = 0;
  while (capacity(shift) < size) shift += BITS;
  return shift;
}

/** A vector of `size` absent elements; nodes appear as elements are written. */
export function sparseVec<T>(size: number): PVec<T> {
  return { size, shift: shiftFor(size), root: [] };
}

/** Builds a vector of `values` in one go (no immer involved). */
export function vecOf<T>(values: readonly T[]): PVec<T> {
  const shift = shiftFor(values.length);
  const build = (level: number, start: number): PNode<T> => {
    if (level === 0) return values.slice(start, Math.min(start + WIDTH, values.length));
    const span = WIDTH ** (level / BITS);
    const children: PNode<T>[] = [];
    for (let s = start; s < Math.min(start + span * WIDTH, values.length); s += span) {
      children.push(build(level - BITS, s));
    }
    return children;
  };
  return { size: values.length, shift, root: build(shift, 0) };
}

export function vecGet<T>(vec: PVec<T>, index: number): T | undefined {
  if (index < 0 || index >= vec.size) return undefined;
  let node: PNode<T> | null | undefined = vec.root;
  for (let level = vec.shift; level > 0; level -= BITS) {
    node = node[(index >>> level) & MASK] as PNode<T> | null | undefined;
    if (!node) return undefined;
  }
  const value = node[index & MASK] as T | null | undefined;
  return value ?? undefined;
}

type MutableNode = (unknown | MutableNode | null)[];

/** Writes `value` at `index` (< size) of a drafted vector. */
export function vecSetMutably<T>(vec: PVec<T>, index: number, value: T): void {
  if (index < 0 || index >= vec.size) throw new RangeError(`vector index ${index} out of range 0..${vec.size - 1}`);
  let node = vec.root as MutableNode;
  for (let level = vec.shift; level > 0; level -= BITS) {
    const slot = (index >>> level) & MASK;
    let child = node[slot] as MutableNode | null | undefined;
    if (!child) {
      child = [];
      node[slot] = child;
    }
    node = child;
  }
  node[index & MASK] = value;
}

/** Appends `value` to a drafted vector, growing the trie by one level when it is full. */
export function vecPushMutably<T>(vec: PVec<T>, value: T): void {
  const draft = vec as { size: number; shift: number; root: PNode<T> };
  if (draft.size === capacity(draft.shift)) {
    draft.root = [draft.root];
    draft.shift += BITS;
  }
  draft.size += 1;
  vecSetMutably(vec, draft.size - 1, value);
}

/** Visits every present element in index order. */
export function vecForEach<T>(vec: PVec<T>, visit: (value: T, index: number) => void): void {
  const walk = (node: PNode<T>, level: number, base: number): void => {
    for (let i = 0; i < node.length; i++) {
      const child = node[i];
      if (child === null || child === undefined) continue;
      const index = base + i * WIDTH ** (level / BITS);
      if (level === 0) {
        if (index < vec.size) visit(child as T, index);
      } else {
        walk(child as PNode<T>, level - BITS, index);
      }
    }
  };
  walk(vec.root, vec.shift, 0);
}

/**
 * Calls `changed(index, before, after)` for every element that differs between two versions of
 * one vector, descending only into nodes that are not shared. With immer's structural sharing
 * this costs O(changed × depth), which lets invariants be checked after every event without
 * scanning every participant. Vectors must have the same shift (grow only by push).
 */
export function vecDiff<T>(
  before: PVec<T>,
  after: PVec<T>,
  changed: (index: number, before: T | undefined, after: T | undefined) => void,
): void {
  if (before === after || before.root === after.root) return;
  // A push that grew the trie: the old root is the first child of the new one.
  let a: PNode<T> = before.root;
  let shift = before.shift;
  while (shift < after.shift) {
    a = [a];
    shift += BITS;
  }
  const walk = (x: PNode<T> | null | undefined, y: PNode<T> | null | undefined, level: number, base: number): void => {
    if (x === y) return;
    const len = Math.max(x?.length ?? 0, y?.length ?? 0);
    for (let i = 0; i < len; i++) {
      const cx = x?.[i] ?? undefined;
      const cy = y?.[i] ?? undefined;
      if (cx === cy) continue;
      const index = base + i * WIDTH ** (level / BITS);
      if (level === 0) {
        changed(index, cx as T | undefined, cy as T | undefined);
      } else {
        walk(cx as PNode<T> | undefined, cy as PNode<T> | undefined, level - BITS, index);
      }
    }
  };
  walk(a, after.root, after.shift, 0);
}
