/**
 * The visited set: the 128-bit hashes of the canonical encodings of every state found, in an
 * open-addressing table of 32-bit words (16 bytes a state, at most half full: 32 to 64 bytes a
 * state). A state is expanded the first time its hash is added.
 *
 * Collisions. Two different states with the same hash would make the second look visited, and
 * what only it leads to would go unchecked. The hash is MurmurHash3 x86 128 (not cryptographic:
 * the encodings are not chosen by an adversary); for n states the chance that any two collide is
 * about n² / 2^129 — below 10^-24 for 10^7 states. The tests run searches with exact keys (the
 * whole encodings, `ExactKeys`) beside hashed ones and require the same counts.
 */

/** A set of 128-bit keys (four 32-bit words). */
export class HashKeys {
  private table: Uint32Array;
  private mask: number;
  private count = 0;
  /** The all-zero key marks an empty slot, so it is kept aside. */
  private zero = false;

  constructor(capacity = 1 << 12) {
    let c = 16;
    while (c < capacity) c *= 2;
    this.table = new Uint32Array(c * 4);
    this.mask = c - 1;
  }

  get size(): number {
    return this.count;
  }

  /** Bytes held by the table. */
  get bytes(): number {
    return this.table.byteLength;
  }

  /** Adds the key at `keys[at..at+3]`; true when it was not there. */
  add(keys: Uint32Array, at: number): boolean {
    const a = keys[at] as number;
    const b = keys[at + 1] as number;
    const c = keys[at + 2] as number;
    const d = keys[at + 3] as number;
    if ((a | b | c | d) === 0) {
      if (this.zero) return false;
      this.zero = true;
      this.count++;
      return true;
    }
    const t = this.table;
    let i = a & this.mask;
    for (;;) {
      const o = i * 4;
      const x = t[o] as number;
      const y = t[o + 1] as number;
      const z = t[o + 2] as number;
      const w = t[o + 3] as number;
      if ((x | y | z | w) === 0) {
        t[o] = a;
        t[o + 1] = b;
        t[o + 2] = c;
        t[o + 3] = d;
        this.count++;
        if (this.count * 2 > this.mask + 1) this.grow();
        return true;
      }
      if (x === a && y === b && z === c && w === d) return false;
      i = (i + 1) & this.mask;
    }
  }

  private grow(): void {
    const old = this.table;
    this.table = new Uint32Array(old.length * 2);
    this.mask = this.table.length / 4 - 1;
    const t = this.table;
    for (let o = 0; o < old.length; o += 4) {
      const a = old[o] as number;
      if ((a | (old[o + 1] as number) | (old[o + 2] as number) | (old[o + 3] as number)) === 0) continue;
      let i = a & this.mask;
      while (((t[i * 4] as number) | (t[i * 4 + 1] as number) | (t[i * 4 + 2] as number) | (t[i * 4 + 3] as number)) !== 0) i = (i + 1) & this.mask;
      t.set(old.subarray(o, o + 4), i * 4);
    }
  }
}

/** Exact keys: the whole encodings as strings (tests and the bench's memory comparison). */
export class ExactKeys {
  private readonly set = new Set<string>();
  private chars = 0;

  get size(): number {
    return this.set.size;
  }

  /** The characters of the keys held (two bytes each), not counting the set's own overhead. */
  get bytes(): number {
    return this.chars * 2;
  }

  add(key: string): boolean {
    if (this.set.has(key)) return false;
    this.set.add(key);
    this.chars += key.length;
    return true;
  }
}
