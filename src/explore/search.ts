/**
 * Breadth-first search over every sequence of actions up to a depth, with state hashing and
 * symmetry reduction. Pure: the CLI drives it (progress, Ctrl-C, worker threads).
 *
 * Level by level: the frontier of depth L is a list of states, each known by the path that
 * first reached it; its successors that the visited set has not seen form the frontier of
 * L + 1, in the order (parent's place in the frontier, action's place in the alphabet). By
 * induction each frontier is in lexicographic order of paths, and each state's path is the
 * lexicographically smallest of its shortest paths — so the first path found to break a
 * property is a shortest one, and the smallest of those in alphabet order, however the work is
 * split.
 *
 * The frontier holds paths, not states (a state costs kilobytes; a path a few bytes in a tree
 * of parent links): it is expanded in chunks of consecutive paths, each chunk replayed from the
 * genesis along a stack that keeps the states of the current path's prefixes, so consecutive
 * paths share their common prefix and cost about one event each. A chunk is a pure function of
 * its paths (`Expander.expand`), so worker threads can expand chunks while the main thread
 * merges their results in order (`Search.merge`) into the one visited set.
 *
 * A search state is the chain state (one per ruleset) together with what the checks depend on
 * besides it: the sum of the known divergences reported so far (the surplus invariant expects
 * exactly that), and for the differential whether a settle amount's work coins ever left
 * unclaimed. The running totals of the invariants are a function of the chain state (the replay
 * cross-checks them against a recount), so equal encodings mean equal futures for every check.
 */
import { RULESETS } from '../engine/rules/registry.js';
import type { ChainEvent, Scenario } from '../domain/scenario.js';
import { applyEvent, type Env } from '../engine/rules/reducers/index.js';
import type { Ruleset } from '../engine/rules/ruleset.js';
import { checkStep } from '../engine/replay/run.js';
import { recount, type Totals } from '../engine/replay/invariants.js';
import { genesis as genesisOf, type ChainState, type World } from '../engine/storage/state.js';
import { differentialOfStates, settledForDifferential } from '../fuzz/properties.js';
import { buildAlphabet, rolesOf, type Action, type ActionKind, type SlotPattern } from './alphabet.js';
import { Encoder, hash128, symmetryClasses, type Words } from './encode.js';
import { ExactKeys, HashKeys } from './visited.js';
import { divergenceMessage } from '../words/divergences.js';

export interface SearchSpec {
  readonly genesis: Scenario;
  /** One ruleset (invariants, known divergences), or deferred and immediate (the differential). */
  readonly rulesets: readonly Ruleset[];
  readonly kinds: readonly ActionKind[];
  readonly amounts: readonly bigint[];
  readonly slots: readonly SlotPattern[];
  readonly depth: number;
  readonly symmetry: boolean;
  /** Known divergences are failures. */
  readonly strict: boolean;
  /** Stop once the visited set holds this many states. */
  readonly maxStates?: number | undefined;
  /** `exact`: whole encodings as keys (tests, the bench's memory figure); default `hash`. */
  readonly keys?: 'hash' | 'exact' | undefined;
  /** Frontier states per chunk (default 256). */
  readonly chunk?: number | undefined;
}

/** The name of a search: its ruleset, or `deferred/immediate`. */
export const searchName = (spec: Pick<SearchSpec, 'rulesets'>): string => spec.rulesets.map((r) => r.name).join('/');

export const DEFAULT_CHUNK = 256;

/** Paths store an action in 16 bits. */
export const MAX_ACTIONS = 65_535;

/** One chunk of a frontier: `count` paths of `length` actions each. */
export interface ChunkJob {
  readonly seq: number;
  readonly length: number;
  readonly count: number;
  readonly paths: Uint16Array;
}

/** A property broken (or a known divergence reported) on a transition. */
export interface Finding {
  /** `invariant:<name>`, `divergence:<id>`, `differential`, `crash`. */
  readonly property: string;
  /** A ruleset's name, or `deferred/immediate`. */
  readonly rules: string;
  /** A failure (exit 1), or a known divergence counted without --strict. */
  readonly violation: boolean;
  readonly message: string;
}

export const findingKey = (f: Pick<Finding, 'rules' | 'property'>): string => `${f.rules} ${f.property}`;

/** What one chunk found, by finding key: the first transition and every parent that had it. */
export interface ChunkFinding extends Finding {
  readonly parent: number;
  readonly action: number;
  readonly parents: number[];
}

export interface ChunkResult {
  readonly seq: number;
  readonly count: number;
  /** Per parent: the transitions tried (enabled actions) and how many failed. */
  readonly transitions: Uint16Array;
  readonly failed: Uint16Array;
  /** The successors new within the chunk: (parent, action) pairs … */
  readonly successors: Uint32Array;
  /** … and their keys: four words each (hash), or strings (exact). */
  readonly keys: Uint32Array | readonly string[];
  readonly n: number;
  readonly findings: readonly ChunkFinding[];
}

/** A search state. */
interface Node {
  readonly chains: readonly ChainState[];
  readonly totals: readonly Totals[];
  readonly known: readonly bigint[];
  /** Differential: a settle amount's work coins left unclaimed (replaced, swept or lost). */
  readonly spoiled: boolean;
}

const NO_FINDINGS: Finding[] = [];
Object.freeze(NO_FINDINGS);

/** A settle amount's work coins gone elsewhere than to its participant. */
const SPOILING = new Set(['replaced', 'overwritten', 'swept', 'lost']);

/**
 * Expands chunks of a frontier: replays each path from the genesis (sharing prefixes), applies
 * every enabled action, checks each transition and encodes each successor.
 */
export class Expander {
  readonly actions: readonly Action[];
  readonly world: World;
  readonly root: Node;
  private readonly envs: readonly Env[];
  private readonly encoder: Encoder;
  private readonly names: readonly string[];
  private readonly differential: boolean;
  private readonly keyWords = new Uint32Array(4);

  constructor(readonly spec: SearchSpec) {
    const g = spec.genesis;
    this.differential = spec.rulesets.length === 2;
    const all = buildAlphabet(rolesOf(g), { kinds: spec.kinds, amounts: spec.amounts, slots: spec.slots, maxEscrows: spec.depth });
    this.actions = this.differential ? all.filter((a) => a.clean) : all;
    if (this.actions.length > MAX_ACTIONS) throw new RangeError(`the alphabet has ${this.actions.length} actions, more than ${MAX_ACTIONS}`);
    const roots = spec.rulesets.map(() => genesisOf(g.params, g.accounts, g.participants));
    this.world = (roots[0] as { world: World }).world;
    this.envs = spec.rulesets.map((r, i) => ({ world: (roots[i] as { world: World }).world, rules: r, params: g.params, trace: false }));
    const chains = roots.map((r) => r.state);
    this.root = { chains, totals: roots.map((r) => recount(r.state, r.world)), known: chains.map(() => 0n), spoiled: false };
    const classes = spec.symmetry
      ? symmetryClasses(g.participants, g.params.escrow.allowedCreators)
      : g.participants.map((_, i) => [i]);
    this.encoder = new Encoder(this.world, classes, chains[0] as ChainState);
    this.names = spec.rulesets.map((r) => r.name);
  }

  /** The successor of `node` by `event`: undefined when it failed under every ruleset. */
  private step(node: Node, event: ChainEvent, depth: number, findings: Finding[] | undefined): Node | undefined {
    const n = this.envs.length;
    let chains: ChainState[] | undefined;
    let totals: Totals[] | undefined;
    let known: bigint[] | undefined;
    let spoiled = node.spoiled;
    const at = `step ${depth} (${event.type})`;
    for (let j = 0; j < n; j++) {
      const before = node.chains[j] as ChainState;
      let outcome;
      try {
        outcome = applyEvent(before, event, this.envs[j] as Env);
      } catch (error) {
        findings?.push({ property: 'crash', rules: this.names[j] as string, violation: true, message: `${at}: ${error instanceof Error ? error.message : String(error)}` });
        continue;
      }
      if (!outcome.ok) continue;
      const checked = checkStep(before, node.totals[j] as Totals, node.known[j] as bigint, outcome, this.world);
      if (!this.differential && findings !== undefined) {
        const rules = this.names[j] as string;
        for (const b of checked.breaches) findings.push({ property: `invariant:${b.invariant}`, rules, violation: true, message: `${at}: ${b.message}` });
        for (const d of checked.divergences) {
          findings.push({ property: `divergence:${d.id}`, rules, violation: this.spec.strict, message: `${at}: ${divergenceMessage(d)} (${d.amount} ngonka)` });
        }
      }
      if (this.differential) {
        for (const e of outcome.effects) if (e.kind === 'settle' && e.work !== 0n && SPOILING.has(e.op)) spoiled = true;
      }
      if (outcome.state === before && checked.known === node.known[j]) continue;
      chains ??= [...node.chains];
      totals ??= [...node.totals];
      known ??= [...node.known];
      chains[j] = outcome.state;
      totals[j] = checked.totals;
      known[j] = checked.known;
    }
    if (chains === undefined) return spoiled === node.spoiled ? undefined : { ...node, spoiled };
    return { chains, totals: totals as Totals[], known: known as bigint[], spoiled };
  }

  /** The differential after a transition (deferred and immediate pay every host the same). */
  private compare(node: Node, depth: number, event: ChainEvent, findings: Finding[]): void {
    if (node.spoiled || this.spec.genesis.params.epochReward === 0n) return;
    const [a, b] = node.chains as [ChainState, ChainState];
    if (!settledForDifferential(a) || !settledForDifferential(b)) return;
    const diff = differentialOfStates(this.world.participants, { final: a, world: this.world, rules: this.names[0] as string }, { final: b, world: this.world, rules: this.names[1] as string });
    if (diff !== undefined) findings.push({ property: diff.property, rules: diff.rules, violation: true, message: `step ${depth} (${event.type}): ${diff.message}` });
  }

  /** Replays `path` (each step must succeed, as it did when found). */
  private replay(node: Node, action: number, depth: number): Node {
    const event = (this.actions[action] as Action).event(node.chains[0] as ChainState);
    const next = event === undefined ? undefined : this.step(node, event, depth, undefined);
    if (next === undefined) throw new Error(`internal: action ${action} no longer applies at depth ${depth} on replay`);
    return next;
  }

  /** The concrete events of a path (for its scenario). */
  eventsOf(path: readonly number[]): ChainEvent[] {
    const events: ChainEvent[] = [];
    let node = this.root;
    path.forEach((a, d) => {
      events.push((this.actions[a] as Action).event(node.chains[0] as ChainState) as ChainEvent);
      node = this.replay(node, a, d + 1);
    });
    return events;
  }

  private encode(node: Node): Words {
    const extra: bigint[] = [...node.known];
    if (this.differential) extra.push(node.spoiled ? 1n : 0n);
    return this.encoder.encode({ chains: node.chains, extra });
  }

  /** The canonical encoding of the state a path reaches, as text (tests). */
  encodingOf(path: readonly number[]): string {
    let node = this.root;
    path.forEach((a, d) => {
      node = this.replay(node, a, d + 1);
    });
    return this.encode(node).text();
  }

  /** The key of the root (the genesis), as `expand` writes keys. */
  rootKey(): Uint32Array | string {
    const w = this.encode(this.root);
    if (this.spec.keys === 'exact') return w.text();
    const k = new Uint32Array(4);
    hash128(w, k);
    return k;
  }

  expand(job: ChunkJob): ChunkResult {
    const { count, length: L, paths } = job;
    const exact = this.spec.keys === 'exact';
    const transitions = new Uint16Array(count);
    const failed = new Uint16Array(count);
    let successors = new Uint32Array(Math.max(16, count * 4));
    let hashKeys = exact ? undefined : new Uint32Array(successors.length * 2);
    const exactKeys: string[] = [];
    const seenHash = exact ? undefined : new HashKeys(count * 8);
    const seenExact = exact ? new ExactKeys() : undefined;
    const groups = new Map<string, ChunkFinding>();
    const found: ChunkFinding[] = [];
    let n = 0;
    const stack: Node[] = [this.root];
    let prev = -1;
    const depth = L + 1;
    const findings: Finding[] = [];
    for (let i = 0; i < count; i++) {
      const base = i * L;
      // the common prefix with the previous path is on the stack already
      let common = 0;
      if (prev >= 0) while (common < L && paths[base + common] === paths[prev + common]) common++;
      for (let d = common; d < L; d++) stack[d + 1] = this.replay(stack[d] as Node, paths[base + d] as number, d + 1);
      prev = base;
      const node = stack[L] as Node;
      const state0 = node.chains[0] as ChainState;
      for (let a = 0; a < this.actions.length; a++) {
        const event = (this.actions[a] as Action).event(state0);
        if (event === undefined) continue;
        transitions[i] = (transitions[i] as number) + 1;
        findings.length = 0;
        const next = this.step(node, event, depth, findings);
        if (next !== undefined && this.differential) this.compare(next, depth, event, findings);
        for (const f of findings) {
          const key = findingKey(f);
          const g = groups.get(key);
          if (g === undefined) {
            const first: ChunkFinding = { ...f, parent: i, action: a, parents: [i] };
            groups.set(key, first);
            found.push(first);
          } else g.parents.push(i);
        }
        if (next === undefined) {
          failed[i] = (failed[i] as number) + 1;
          continue;
        }
        const words = this.encode(next);
        let fresh: boolean;
        if (exact) {
          const key = words.text();
          fresh = (seenExact as ExactKeys).add(key);
          if (fresh) exactKeys.push(key);
        } else {
          hash128(words, this.keyWords);
          fresh = (seenHash as HashKeys).add(this.keyWords, 0);
          if (fresh) {
            if ((n + 1) * 4 > (hashKeys as Uint32Array).length) {
              const grown = new Uint32Array((hashKeys as Uint32Array).length * 2);
              grown.set(hashKeys as Uint32Array);
              hashKeys = grown;
            }
            (hashKeys as Uint32Array).set(this.keyWords, n * 4);
          }
        }
        if (!fresh) continue;
        if ((n + 1) * 2 > successors.length) {
          const grown = new Uint32Array(successors.length * 2);
          grown.set(successors);
          successors = grown;
        }
        successors[n * 2] = i;
        successors[n * 2 + 1] = a;
        n++;
      }
    }
    return { seq: job.seq, count, transitions, failed, successors, keys: exact ? exactKeys : (hashKeys as Uint32Array), n, findings: found };
  }
}

/** Why a search stopped. */
export type SearchStatus = 'complete' | 'exhausted' | 'max_states' | 'interrupted';

export interface DepthCount {
  readonly depth: number;
  /** New states found at this depth. */
  readonly states: number;
  /** Transitions from the states of depth − 1 (enabled actions tried), and how many failed. */
  readonly transitions: number;
  readonly failed: number;
}

export interface FoundViolation extends Finding {
  readonly depth: number;
  /** Action indexes of the path. */
  readonly path: readonly number[];
  readonly events: readonly ChainEvent[];
  /** Transitions that had it (several per state when it persists). */
  readonly transitions: number;
}

export interface SearchResult {
  readonly name: string;
  readonly status: SearchStatus;
  readonly depth: number;
  /** The deepest level whose every transition was tried. */
  readonly depthComplete: number;
  readonly states: number;
  readonly transitions: number;
  readonly failed: number;
  readonly perDepth: readonly DepthCount[];
  /** Bytes of the visited set and of the tree of parent links. */
  readonly visitedBytes: number;
  readonly treeBytes: number;
  readonly alphabet: number;
  /** Failures (first of each kind: a shortest path), in the order found. */
  readonly violations: readonly FoundViolation[];
  /** Known divergences counted without --strict (first of each, with its path). */
  readonly divergences: readonly FoundViolation[];
}

/** A growable typed array. */
class Grow<T extends Uint32Array | Uint16Array> {
  length = 0;
  constructor(public data: T) {}
  push(x: number): void {
    if (this.length === this.data.length) {
      const next = new (this.data.constructor as new (n: number) => T)(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = x;
  }
}

interface Group {
  readonly finding: Finding;
  readonly depth: number;
  readonly parent: number;
  readonly action: number;
  transitions: number;
}

/**
 * The main side of a search: the visited set, the tree of paths and the frontier. Hands out
 * the chunks of the current level (`nextJob`) and takes their results back in order (`merge`).
 */
export class Search {
  private readonly visited: HashKeys | ExactKeys;
  private readonly parent = new Grow(new Uint32Array(1024));
  private readonly action = new Grow(new Uint16Array(1024));
  private frontier = new Uint32Array([0]);
  private next = new Grow(new Uint32Array(1024));
  private handed = 0;
  private level = 0;
  private expectSeq = 0;
  private seq = 0;
  private outstanding = 0;
  private levelTransitions = 0;
  private levelFailed = 0;
  private totalTransitions = 0;
  private totalFailed = 0;
  private readonly perDepth: DepthCount[] = [{ depth: 0, states: 1, transitions: 0, failed: 0 }];
  private readonly groups = new Map<string, Group>();
  private statusNow: SearchStatus | undefined;
  private readonly chunk: number;
  /** Where each chunk out starts in the frontier, by seq. */
  private readonly starts = new Map<number, number>();

  constructor(
    readonly spec: SearchSpec,
    private readonly expander: Expander = new Expander(spec),
  ) {
    this.chunk = spec.chunk ?? DEFAULT_CHUNK;
    this.visited = spec.keys === 'exact' ? new ExactKeys() : new HashKeys();
    this.parent.push(0);
    this.action.push(0);
    const root = expander.rootKey();
    if (typeof root === 'string') (this.visited as ExactKeys).add(root);
    else (this.visited as HashKeys).add(root, 0);
    if (spec.depth === 0) this.statusNow = 'complete';
    else this.checkMax();
  }

  get done(): boolean {
    return this.statusNow !== undefined;
  }

  get states(): number {
    return this.visited.size;
  }

  /** The depth being expanded (its states are at `depth`, their successors at depth + 1). */
  get depth(): number {
    return this.level;
  }

  /** Frontier states not yet handed out, plus the successors found so far. */
  get queue(): number {
    return this.frontier.length - this.handed + this.next.length;
  }

  /** The next chunk of the current level; undefined when all are out (wait for their merges) or done. */
  nextJob(): ChunkJob | undefined {
    if (this.done || this.handed >= this.frontier.length) return undefined;
    const L = this.level;
    const count = Math.min(this.chunk, this.frontier.length - this.handed);
    const paths = new Uint16Array(count * L);
    for (let i = 0; i < count; i++) {
      let node = this.frontier[this.handed + i] as number;
      for (let d = L - 1; d >= 0; d--) {
        paths[i * L + d] = this.action.data[node] as number;
        node = this.parent.data[node] as number;
      }
    }
    const job: ChunkJob = { seq: this.seq++, length: L, count, paths };
    this.starts.set(job.seq, this.handed);
    this.handed += count;
    this.outstanding++;
    return job;
  }

  /** Takes a chunk's result; results must come in the order their jobs were handed out. */
  merge(r: ChunkResult): void {
    if (this.done) return;
    if (r.seq !== this.expectSeq) throw new Error(`internal: chunk ${r.seq} merged before chunk ${this.expectSeq}`);
    this.expectSeq++;
    this.outstanding--;
    const base = this.starts.get(r.seq) as number;
    this.starts.delete(r.seq);
    const depth = this.level + 1;
    // with --max-states the chunk may be taken only up to the parent that filled the set
    let last = r.count - 1;
    for (let s = 0; s < r.n; s++) {
      const i = r.successors[s * 2] as number;
      const fresh = r.keys instanceof Uint32Array ? (this.visited as HashKeys).add(r.keys, s * 4) : (this.visited as ExactKeys).add(r.keys[s] as string);
      if (!fresh) continue;
      this.parent.push(this.frontier[base + i] as number);
      this.action.push(r.successors[s * 2 + 1] as number);
      this.next.push(this.parent.length - 1);
      if (this.spec.maxStates !== undefined && this.visited.size >= this.spec.maxStates) {
        last = i;
        this.statusNow = 'max_states';
        break;
      }
    }
    for (let i = 0; i <= last; i++) {
      this.levelTransitions += r.transitions[i] as number;
      this.levelFailed += r.failed[i] as number;
    }
    for (const f of r.findings) {
      const count = last === r.count - 1 ? f.parents.length : f.parents.filter((p) => p <= last).length;
      if (count === 0) continue;
      const key = findingKey(f);
      const g = this.groups.get(key);
      if (g !== undefined) {
        g.transitions += count;
        continue;
      }
      this.groups.set(key, {
        finding: { property: f.property, rules: f.rules, violation: f.violation, message: f.message },
        depth,
        parent: this.frontier[base + f.parent] as number,
        action: f.action,
        transitions: count,
      });
    }
    if (this.statusNow === 'max_states') {
      this.closeLevel(true);
      return;
    }
    if (this.outstanding === 0 && this.handed >= this.frontier.length) this.closeLevel(false);
  }

  private closeLevel(partial: boolean): void {
    const depth = this.level + 1;
    this.perDepth.push({ depth, states: this.next.length, transitions: this.levelTransitions, failed: this.levelFailed });
    this.totalTransitions += this.levelTransitions;
    this.totalFailed += this.levelFailed;
    this.levelTransitions = 0;
    this.levelFailed = 0;
    if (partial) return;
    this.level = depth;
    this.frontier = this.next.data.slice(0, this.next.length);
    this.next = new Grow(new Uint32Array(1024));
    this.handed = 0;
    if (this.frontier.length === 0) this.statusNow = 'exhausted';
    else if (this.level >= this.spec.depth) this.statusNow = 'complete';
  }

  private checkMax(): void {
    if (this.spec.maxStates !== undefined && this.visited.size >= this.spec.maxStates) this.statusNow = 'max_states';
  }

  /** Ctrl-C: stop; the result covers the chunks merged so far. */
  interrupt(): void {
    if (this.done) return;
    if (this.next.length > 0 || this.levelTransitions > 0) this.closeLevel(true);
    this.statusNow = 'interrupted';
  }

  private pathOf(node: number): number[] {
    const path: number[] = [];
    for (let x = node; x !== 0; x = this.parent.data[x] as number) path.push(this.action.data[x] as number);
    return path.reverse();
  }

  result(): SearchResult {
    const found = (violation: boolean): FoundViolation[] =>
      [...this.groups.values()]
        .filter((g) => g.finding.violation === violation)
        .map((g) => {
          const path = [...this.pathOf(g.parent), g.action];
          return { ...g.finding, depth: g.depth, path, events: this.expander.eventsOf(path), transitions: g.transitions };
        });
    const status = this.statusNow ?? 'interrupted';
    const reached = this.perDepth.length - 1;
    const complete = status === 'complete' || status === 'exhausted' ? reached : Math.max(0, reached - 1);
    return {
      name: searchName(this.spec),
      status,
      depth: reached,
      depthComplete: status === 'exhausted' ? this.spec.depth : complete,
      states: this.visited.size,
      transitions: this.totalTransitions,
      failed: this.totalFailed,
      perDepth: [...this.perDepth],
      visitedBytes: this.visited.bytes,
      treeBytes: this.parent.data.byteLength + this.action.data.byteLength,
      alphabet: this.expander.actions.length,
      violations: found(true),
      divergences: found(false),
    };
  }
}

/** Runs a search to its end in this thread. */
export function runSearch(spec: SearchSpec): SearchResult {
  const expander = new Expander(spec);
  const search = new Search(spec, expander);
  for (;;) {
    const job = search.nextJob();
    if (job === undefined) break;
    search.merge(expander.expand(job));
  }
  return search.result();
}

/** The rulesets of the named searches: each ruleset alone, and deferred/immediate when either is named. */
export function searchesOf(rulesets: readonly Ruleset[]): Ruleset[][] {
  const out: Ruleset[][] = rulesets.map((r) => [r]);
  const d = rulesets.find((r) => r.name === 'deferred');
  const i = rulesets.find((r) => r.name === 'immediate');
  if (d !== undefined || i !== undefined) out.push([d ?? RULESETS.deferred, i ?? RULESETS.immediate]);
  return out;
}
