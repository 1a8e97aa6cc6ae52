/**
 * The canonical encoding of a search state, its symmetry reduction and its 128-bit hash.
 *
 * Encoding. A state is written as a sequence of 32-bit words: what the chain state holds, read
 * through the tries' contents (sizes and present elements, never the trie's shape), so two
 * states that hold the same values encode the same however they were built. Every list is
 * preceded by its length and every optional value by a tag, so the encoding is injective: two
 * states with the same words are the same state. Names become labels: a participant its
 * position (below), any other account K + its account index.
 *
 * Symmetry. Participants of one class (the genesis gives them the same weight and balance, and
 * the params name none of them) are interchangeable: renaming them maps behaviours to
 * behaviours, because the rules treat them alike and the alphabet is closed under renaming
 * (alphabet.ts). Each participant's slice — its balance, record, settle amount, vesting, and its
 * entries in every per-epoch table (active set, host stats, summaries) — is encoded on its own;
 * within a class the participants are ordered by their slices, and where slices tie every order
 * of the tied ones is tried and the smallest whole encoding kept. Positions go to that order, so
 * a state and any renaming of it within the classes encode the same: the visited set holds one
 * state per orbit. Lists in event order (escrow slots, exclusions, validators) keep their order
 * with the names relabelled; lists the chain keeps in participant order (active set members)
 * are encoded per participant, so their order is that of the positions.
 *
 * Hash. MurmurHash3 x86 128 of the words. The visited set keeps hashes, not encodings
 * (16 bytes a state); see visited.ts for what a collision would do and how unlikely it is.
 */
import type { ChainState, InferenceRecord, ParticipantState, World } from '../engine/storage/state.js';
import { vecForEach, vecGet, type PNode, type PVec } from '../engine/storage/pvec.js';

/** A growable buffer of 32-bit words. */
export class Words {
  data = new Int32Array(256);
  length = 0;

  push(x: number): void {
    if (this.length === this.data.length) this.grow();
    this.data[this.length++] = x;
  }

  private grow(): void {
    const next = new Int32Array(this.data.length * 2);
    next.set(this.data);
    this.data = next;
  }

  append(other: Words): void {
    while (this.length + other.length > this.data.length) this.grow();
    this.data.set(other.data.subarray(0, other.length), this.length);
    this.length += other.length;
  }

  clear(): void {
    this.length = 0;
  }

  /** A copy of the words written (exact keys, tests). */
  text(): string {
    let s = '';
    for (let i = 0; i < this.length; i++) {
      const w = (this.data[i] as number) >>> 0;
      s += String.fromCharCode(w >>> 16, w & 0xffff);
    }
    return s;
  }
}

/** Lexicographic order of two word sequences. */
export function compareWords(a: Words, b: Words): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    const x = a.data[i] as number;
    const y = b.data[i] as number;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

const MASK32 = 0xffffffffn;
const TWO32 = 4294967296;

const MAX_SAFE = 9007199254740991;

/**
 * A bigint: 0; a safe integer (tag by sign, then the high and low words of its magnitude); or
 * sign, limb count and limbs. (No Math calls here or in the hash: under jest's module sandbox a
 * Math builtin is a call into another realm, which V8 does not inline — 100× slower.)
 */
function big(w: Words, x: bigint): void {
  if (x === 0n) {
    w.push(0);
    return;
  }
  const n = Number(x);
  if (n <= MAX_SAFE && n >= -MAX_SAFE) {
    const m = n < 0 ? -n : n;
    const hi = (m / TWO32) >>> 0;
    w.push(n < 0 ? 4 : 1);
    w.push(hi);
    w.push(m - hi * TWO32);
    return;
  }
  let m = x < 0n ? -x : x;
  const limbs: number[] = [];
  while (m > 0n) {
    limbs.push(Number(m & MASK32) | 0);
    m >>= 32n;
  }
  w.push(x < 0n ? 3 : 2);
  w.push(limbs.length);
  for (const l of limbs) w.push(l);
}

function text(w: Words, s: string): void {
  w.push(s.length);
  for (let i = 0; i < s.length; i++) w.push(s.charCodeAt(i));
}

const STATUS = { ACTIVE: 0, INACTIVE: 1, INVALID: 2 } as const;
const INFERENCE_STATUS = { STARTED: 0, FINISHED: 1, VALIDATED: 2, INVALIDATED: 3, EXPIRED: 4 } as const;

/** How names become labels under one assignment of positions. */
interface Labeller {
  readonly world: World;
  /** By participant index: its position. */
  readonly position: Int32Array;
}

function label(w: Words, l: Labeller, name: string | undefined): void {
  if (name === undefined) {
    w.push(-1);
    return;
  }
  const p = l.world.participantIndex.get(name);
  if (p !== undefined) {
    w.push(l.position[p] as number);
    return;
  }
  const a = l.world.accountIndex.get(name);
  if (a !== undefined) {
    w.push(l.world.participants.length + a);
    return;
  }
  // (names are declared: this does not happen, but stays injective if it did)
  w.push(-2);
  text(w, name);
}

function names(w: Words, l: Labeller, xs: readonly string[]): void {
  w.push(xs.length);
  for (const x of xs) label(w, l, x);
}

function participantRecord(w: Words, p: ParticipantState): void {
  w.push(STATUS[p.status]);
  big(w, p.weight);
  big(w, p.coinBalance);
  big(w, p.earnedCoins);
  w.push(p.inferenceCount);
  w.push(p.missedRequests);
  w.push(p.invalidatedInferences);
  w.push(p.validatedInferences);
  w.push(p.consecutiveInvalidInferences);
  big(w, p.invalidLLR);
  big(w, p.inactiveLLR);
  if (p.settle === null) w.push(0);
  else {
    w.push(1);
    w.push(p.settle.epoch);
    big(w, p.settle.workCoins);
    big(w, p.settle.rewardCoins);
  }
  w.push(p.vesting.length);
  for (const v of p.vesting) big(w, v);
}

/** One participant's slice of a chain state: everything stored by its index. */
function slice(w: Words, s: ChainState, world: World, index: number): void {
  const account = world.accountIndex.get(world.participants[index] as string) as number;
  big(w, vecGet(s.balances, account) ?? 0n);
  const p = vecGet(s.participants, index);
  if (p === undefined) w.push(-1);
  else participantRecord(w, p);
  for (let e = 0; e < s.activeSets.size; e++) {
    const set = vecGet(s.activeSets, e);
    if (set === undefined) continue; // (its presence is in the header)
    const at = set.isMember[index] === true ? set.members.indexOf(index) : -1;
    if (at < 0) w.push(0);
    else {
      w.push(1);
      big(w, set.weights[at] as bigint);
    }
  }
  perEpoch(w, s.hostStats, index, (h) => {
    w.push(h.missed);
    w.push(h.invalid);
    big(w, h.cost);
    w.push(h.requiredValidations);
    w.push(h.completedValidations);
    w.push(h.escrowCount);
  });
  perEpoch(w, s.summaries, index, (m) => {
    big(w, m.earnedCoins);
    big(w, m.rewardedCoins);
    w.push(m.inferenceCount);
    w.push(m.missedRequests);
    w.push(m.invalidatedInferences);
    w.push(m.claimed ? 1 : 0);
  });
}

/** A participant's entry in each epoch of a table by epoch then participant: 0, or 1 and the entry. */
function perEpoch<T>(w: Words, table: PVec<PVec<T>>, index: number, each: (x: T) => void): void {
  for (let e = 0; e < table.size; e++) {
    const inner = vecGet(table, e);
    if (inner === undefined) continue; // (its presence is in the header)
    const x = vecGet(inner, index);
    if (x === undefined) w.push(0);
    else {
      w.push(1);
      each(x);
    }
  }
}

/** Presence of each element of a vector indexed by epoch or id: its size, then 1/0 per index. */
function presence<T>(w: Words, v: PVec<T>, each: (x: T) => void): void {
  w.push(v.size);
  for (let i = 0; i < v.size; i++) {
    const x = vecGet(v, i);
    if (x === undefined) w.push(0);
    else {
      w.push(1);
      each(x);
    }
  }
}

/** The nodes of the shared empty inference store, skipped when walking (it has 2^15 empty buckets). */
const emptyNodes = new WeakSet<object>();

function markEmpty(node: PNode<unknown>): void {
  if (emptyNodes.has(node)) return;
  emptyNodes.add(node);
  for (const child of node) if (Array.isArray(child) && child.every((x) => x === null || x === undefined || Array.isArray(x))) markEmpty(child);
}

function inferencesOf(s: ChainState): InferenceRecord[] {
  const out: InferenceRecord[] = [];
  const walk = (node: PNode<readonly InferenceRecord[]>, level: number): void => {
    if (emptyNodes.has(node)) return;
    for (const child of node) {
      if (child === null || child === undefined) continue;
      if (level === 0) for (const r of child as readonly InferenceRecord[]) out.push(r);
      else walk(child as PNode<readonly InferenceRecord[]>, level - 5);
    }
  };
  walk(s.inferences.root, s.inferences.shift);
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Everything of a chain state that is not a participant's slice. */
function header(w: Words, s: ChainState, l: Labeller, participantAccounts: ReadonlySet<number>): void {
  w.push(s.effectiveEpoch);
  w.push(s.epochEnded ? 1 : 0);
  big(w, s.genesisSupply);
  big(w, s.minted);
  big(w, s.burned);
  w.push(s.inferenceSeq);
  w.push(s.balances.size);
  vecForEach(s.balances, (b, i) => {
    if (participantAccounts.has(i)) return;
    w.push(i);
    big(w, b);
  });
  w.push(-1);
  presence(w, s.activeSets, (set) => big(w, set.totalWeight));
  presence(w, s.hostStats, () => undefined);
  presence(w, s.summaries, () => undefined);
  presence(w, s.escrows, (e) => {
    w.push(e.id);
    label(w, l, e.creator);
    big(w, e.amount);
    w.push(e.epoch);
    w.push(e.settled ? 1 : 0);
    names(w, l, e.slots);
  });
  presence(w, s.escrowsPerEpoch, (n) => w.push(n));
  presence(w, s.exclusions, (xs) => names(w, l, xs));
  const records = inferencesOf(s);
  w.push(records.length);
  for (const r of records) {
    text(w, r.id);
    label(w, l, r.requester);
    label(w, l, r.executor);
    big(w, r.price);
    big(w, r.promptTokens);
    big(w, r.maxTokens);
    big(w, r.completionTokens);
    w.push((r.started ? 1 : 0) | (r.finished ? 2 : 0));
    w.push(INFERENCE_STATUS[r.status]);
    big(w, r.escrow);
    big(w, r.actualCost);
    w.push(r.epoch);
    names(w, l, r.validatedBy);
    names(w, l, r.validations);
  }
}

/**
 * Registers the empty inference store of a genesis state (shared, never written in place), so
 * walking a state's inferences skips the nodes it still shares with it.
 */
function registerGenesis(s: ChainState): void {
  markEmpty(s.inferences.root);
}

/** The symmetry classes: participant indexes that the genesis treats alike, each class ascending. */
export function symmetryClasses(participants: readonly { name: string; weight: bigint; balance: bigint }[], named: readonly string[]): number[][] {
  const byKey = new Map<string, number[]>();
  const classes: number[][] = [];
  participants.forEach((p, i) => {
    const key = named.includes(p.name) ? `named:${p.name}` : `${p.weight}/${p.balance}`;
    let c = byKey.get(key);
    if (c === undefined) {
      c = [];
      byKey.set(key, c);
      classes.push(c);
    }
    c.push(i);
  });
  return classes;
}

/** At most this many orders of tied participants are tried; past it, the first (still sound, less reduced). */
const MAX_TIE_ORDERS = 720;

/** What a search state is made of, for its encoding. */
export interface EncodedParts {
  readonly chains: readonly ChainState[];
  /** Run-level values the checks depend on (the known divergences' sum, flags), appended as they are. */
  readonly extra: readonly bigint[];
}

/**
 * Encodes search states of one world: canonically (symmetry classes) or as they are (one class
 * per participant).
 */
export class Encoder {
  private readonly k: number;
  private readonly slices: Words[];
  private readonly participantAccounts: Set<number>;
  private readonly position: Int32Array;
  private readonly best = new Words();
  private readonly candidate = new Words();
  readonly out = new Words();

  constructor(
    private readonly world: World,
    private readonly classes: readonly (readonly number[])[],
    genesis: ChainState,
  ) {
    registerGenesis(genesis);
    this.k = world.participants.length;
    this.slices = Array.from({ length: this.k }, () => new Words());
    this.participantAccounts = new Set(world.participants.map((n) => world.accountIndex.get(n) as number));
    this.position = new Int32Array(this.k);
  }

  /** Writes the canonical encoding of `parts` to `this.out`. */
  encode(parts: EncodedParts): Words {
    const { world, k } = this;
    for (let i = 0; i < k; i++) {
      const w = this.slices[i] as Words;
      w.clear();
      for (const c of parts.chains) slice(w, c, world, i);
    }
    // order each class by slice; collect groups of tied slices
    const order: number[][] = [];
    const ties: { cls: number; from: number; to: number }[] = [];
    for (let c = 0; c < this.classes.length; c++) {
      const members = [...(this.classes[c] as readonly number[])];
      members.sort((a, b) => compareWords(this.slices[a] as Words, this.slices[b] as Words) || a - b);
      order.push(members);
      for (let i = 0; i < members.length; ) {
        let j = i + 1;
        while (j < members.length && compareWords(this.slices[members[i] as number] as Words, this.slices[members[j] as number] as Words) === 0) j++;
        if (j - i > 1) ties.push({ cls: c, from: i, to: j });
        i = j;
      }
    }
    let orders = 1;
    for (const t of ties) for (let f = 2; f <= t.to - t.from; f++) orders *= f;
    if (ties.length === 0 || orders > MAX_TIE_ORDERS) {
      this.write(order, parts, this.out);
      return this.out;
    }
    // every order of the tied participants; the smallest whole encoding wins
    let first = true;
    const permute = (t: number): void => {
      if (t === ties.length) {
        this.write(order, parts, first ? this.best : this.candidate);
        if (!first && compareWords(this.candidate, this.best) < 0) {
          this.best.clear();
          this.best.append(this.candidate);
        }
        first = false;
        return;
      }
      const { cls, from, to } = ties[t] as { cls: number; from: number; to: number };
      const members = order[cls] as number[];
      const heap = (n: number): void => {
        if (n === 1) {
          permute(t + 1);
          return;
        }
        for (let i = 0; i < n - 1; i++) {
          heap(n - 1);
          const a = from + (n % 2 === 0 ? i : 0);
          const b = from + n - 1;
          [members[a], members[b]] = [members[b] as number, members[a] as number];
        }
        heap(n - 1);
      };
      heap(to - from);
    };
    permute(0);
    this.out.clear();
    this.out.append(this.best);
    return this.out;
  }

  /** Positions from the class orders, then header, slices in position order and the extras. */
  private write(order: readonly (readonly number[])[], parts: EncodedParts, w: Words): void {
    const slots = this.classes;
    for (let c = 0; c < slots.length; c++) {
      const seats = slots[c] as readonly number[]; // ascending participant indexes: the positions of the class
      const members = order[c] as readonly number[];
      for (let i = 0; i < members.length; i++) this.position[members[i] as number] = seats[i] as number;
    }
    w.clear();
    const l: Labeller = { world: this.world, position: this.position };
    for (const c of parts.chains) header(w, c, l, this.participantAccounts);
    const byPosition = new Array<number>(this.k);
    for (let i = 0; i < this.k; i++) byPosition[this.position[i] as number] = i;
    for (let p = 0; p < this.k; p++) {
      const s = this.slices[byPosition[p] as number] as Words;
      w.push(s.length);
      w.append(s);
    }
    w.push(parts.extra.length);
    for (const x of parts.extra) big(w, x);
  }
}

// ---------------------------------------------------------------------------------------------
// MurmurHash3 x86 128 over words.

const rotl = (x: number, r: number): number => (x << r) | (x >>> (32 - r));

/** The low 32 bits of a × b (Math.imul, written out: see `big`). */
function mul(a: number, b: number): number {
  const al = a & 0xffff;
  const ah = a >>> 16;
  const bl = b & 0xffff;
  const bh = b >>> 16;
  return (al * bl + (((ah * bl + al * bh) << 16) >>> 0)) | 0;
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = mul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = mul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

const C1 = 0x239b961b;
const C2 = 0xab0e9789 | 0;
const C3 = 0x38b34ae5;
const C4 = 0xa1e38b93 | 0;

/** MurmurHash3_x86_128 of the words (each word one 4-byte block), seed 0, into out[0..3]. */
export function hash128(w: Words, out: Uint32Array, at = 0): void {
  const d = w.data;
  const n = w.length;
  let h1 = 0;
  let h2 = 0;
  let h3 = 0;
  let h4 = 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    let k1 = d[i] as number;
    let k2 = d[i + 1] as number;
    let k3 = d[i + 2] as number;
    let k4 = d[i + 3] as number;
    k1 = mul(rotl(mul(k1, C1), 15), C2);
    h1 ^= k1;
    h1 = (mul(rotl(h1, 19) + h2, 5) + 0x561ccd1b) | 0;
    k2 = mul(rotl(mul(k2, C2), 16), C3);
    h2 ^= k2;
    h2 = (mul(rotl(h2, 17) + h3, 5) + 0x0bcaa747) | 0;
    k3 = mul(rotl(mul(k3, C3), 17), C4);
    h3 ^= k3;
    h3 = (mul(rotl(h3, 15) + h4, 5) + 0x96cd1c35) | 0;
    k4 = mul(rotl(mul(k4, C4), 18), C1);
    h4 ^= k4;
    h4 = (mul(rotl(h4, 13) + h1, 5) + 0x32ac3b17) | 0;
  }
  const r = n - i;
  if (r >= 3) h3 ^= mul(rotl(mul(d[i + 2] as number, C3), 17), C4);
  if (r >= 2) h2 ^= mul(rotl(mul(d[i + 1] as number, C2), 16), C3);
  if (r >= 1) h1 ^= mul(rotl(mul(d[i] as number, C1), 15), C2);
  const len = n * 4;
  h1 ^= len;
  h2 ^= len;
  h3 ^= len;
  h4 ^= len;
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  h1 = fmix(h1);
  h2 = fmix(h2);
  h3 = fmix(h3);
  h4 = fmix(h4);
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  out[at] = h1 >>> 0;
  out[at + 1] = h2 >>> 0;
  out[at + 2] = h3 >>> 0;
  out[at + 3] = h4 >>> 0;
}
