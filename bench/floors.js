/**
 * Floors for the benchmark (issue 15): what the same work costs done the plainest way, measured
 * in the same run, so every figure of `npm run bench` is a ratio that holds on another machine.
 *
 * - load floor: js-yaml's `load` of the same YAML file, and `JSON.parse` of its JSON twin, each
 *   in a fresh process (bench/floor-load.js) timed as `epochsim run --json` is, start-up and
 *   reading included;
 * - replay floor: `floorReplay` below, a minimal mutable model of the hottest events (plain Maps,
 *   bigints, no history, no invariants, no transactions), checked against epochsim's balances
 *   on the same events, so both do the same work;
 * - start-up floor: `node -e 0`.
 *
 * Measurements alternate A and B (A B A B …) and report medians, so a slow spell of a shared
 * machine falls on both.
 */
import { closeSync, openSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * Runs each function `runs` times in turn (A B C A B C …) after two warm-up rounds, a forced GC
 * (with --expose-gc) before each timed call: the median wall and CPU milliseconds of each. The
 * in-process half of the replay and growth sections (replay-child.js, growth-child.js).
 */
export function interleave(fns, runs) {
  for (let i = 0; i < 2; i++) for (const fn of fns) fn();
  const ms = fns.map(() => []);
  const cpu = fns.map(() => []);
  for (let i = 0; i < runs; i++) {
    fns.forEach((fn, k) => {
      globalThis.gc?.();
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      fn();
      ms[k].push(Number(process.hrtime.bigint() - t0) / 1e6);
      const c = process.cpuUsage(c0);
      cpu[k].push((c.user + c.system) / 1e3);
    });
  }
  return fns.map((_, k) => ({ ms: median(ms[k]), cpuMs: median(cpu[k]) }));
}

/** A ratio against its target: `1.23× ≤ 1.5× PASS`. */
export const verdict = (ratio, target) => `${ratio.toFixed(2)}× (target ≤ ${target}×) ${ratio <= target ? 'PASS' : 'FAIL'}`;

const MAXRSS_HOOK = new URL('./maxrss.cjs', import.meta.url).pathname;

/**
 * Runs `node ARGS` in a fresh process, stdout to /dev/null opened write-only (as a shell's
 * `> /dev/null`: 'ignore' opens it read-write, which epochsim takes for a closed stdout); the
 * wall time in ms, and the child's CPU time (all threads) and peak RSS in MiB, reported by a
 * preloaded exit hook (maxrss.cjs).
 */
export function spawnTimed(args) {
  const devNull = openSync('/dev/null', 'w');
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--require', MAXRSS_HOOK, ...args], { stdio: ['ignore', devNull, 'pipe'], maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  closeSync(devNull);
  const stderr = r.stderr.toString();
  if (r.status !== 0 && r.status !== 1) throw new Error(`bench: node ${args.join(' ')} exited ${r.status}: ${stderr}`);
  const m = /maxrss (\d+) cpu (\d+)/.exec(stderr);
  // a floor process also reports the time of its own work, start-up and reading left out
  const inner = /inner-ms ([\d.]+)(?: same-bytes (yes|no))?/.exec(stderr);
  return {
    ms,
    rssMiB: m ? Number(m[1]) / 1024 : NaN,
    cpuMs: m ? Number(m[2]) / 1e3 : NaN,
    innerMs: inner ? Number(inner[1]) : NaN,
    sameBytes: inner?.[2],
  };
}

/** Interleaved runs of several commands (A B C A B C …): the median wall ms, CPU ms and peak RSS of each. */
export function alternate(commands, runs) {
  const ms = commands.map(() => []);
  const rss = commands.map(() => []);
  const cpu = commands.map(() => []);
  const inner = commands.map(() => []);
  const sameBytes = commands.map(() => []);
  for (let i = 0; i < runs; i++) {
    commands.forEach((args, c) => {
      const r = spawnTimed(args);
      ms[c].push(r.ms);
      rss[c].push(r.rssMiB);
      cpu[c].push(r.cpuMs);
      inner[c].push(r.innerMs);
      sameBytes[c].push(r.sameBytes);
    });
  }
  return commands.map((_, c) => ({
    ms: median(ms[c]),
    runs: ms[c],
    rssMiB: median(rss[c]),
    cpuMs: median(cpu[c]),
    innerMs: median(inner[c]),
    sameBytes: sameBytes[c].every((b) => b === 'yes'),
  }));
}

/** The floor process: node bench/floor-load.js FILE (yaml | json). */
export const FLOOR_LOAD = new URL('./floor-load.js', import.meta.url).pathname;
/** The output floor process: node bench/floor-output.js FILE (run --json's document). */
export const FLOOR_OUTPUT = new URL('./floor-output.js', import.meta.url).pathname;

// ---------------------------------------------------------------------------------------------
// The replay floor: a minimal mutable model of the hottest events.
// ---------------------------------------------------------------------------------------------

const INFERENCE = 'inference';

/**
 * The events of one long epoch of the bench workload (start_epoch, then transfers, escrows
 * created and settled in that epoch, inferences, claims, exclusions and the deliberate
 * failures), without the epoch's end: end_epoch's reward arithmetic is not a hot path and is
 * not modelled. `makeScenario` is bench/workload.js's.
 */
export function floorWorkload(makeScenario, participants, events) {
  const { scenario } = makeScenario({ participants, events, perEpoch: events + 10 });
  return { ...scenario, items: scenario.items.filter((item) => item.event.type !== 'end_epoch') };
}

/**
 * The floors' bank: every account's balance in a Map by name (the inference module's too), and
 * a send that moves `amount` when the sender holds it and answers whether it did.
 */
function openBank(scenario) {
  const bank = new Map([[INFERENCE, 0n]]);
  for (const a of scenario.accounts) bank.set(a.name, a.balance);
  for (const p of scenario.participants) bank.set(p.name, p.balance);
  const move = (from, to, amount) => {
    const balance = bank.get(from);
    if (balance < amount) return false;
    bank.set(from, balance - amount);
    bank.set(to, bank.get(to) + amount);
    return true;
  };
  return { bank, move };
}

/**
 * The floor model: bank balances and ledger coin balances in plain Maps, escrows in an array,
 * mutated in place. It does what the events of `floorWorkload` do to balances under `rules`
 * (`deferred`: a settlement in its own epoch credits the hosts' ledgers; `immediate`: it pays
 * them by bank) and nothing else: no history, no invariants, no transactions, no records.
 */
export function floorReplay(scenario, rules) {
  const { tokenPrice, escrow: limits } = scenario.params;
  const { bank, move } = openBank(scenario);
  const ledger = new Map();
  for (const p of scenario.participants) ledger.set(p.name, 0n);
  const everyone = scenario.participants.map((p) => p.name);
  let active = new Set();
  const escrows = [];
  let failed = 0;
  for (const item of scenario.items) {
    const e = item.event;
    switch (e.type) {
      case 'start_epoch':
        active = new Set(e.active ?? everyone);
        break;
      case 'transfer':
        if (!move(e.from, e.to, e.amount)) failed++;
        break;
      case 'create_escrow': {
        if (e.amount < limits.minAmount || e.amount > limits.maxAmount || !e.slots.every((h) => active.has(h)) || !move(e.creator, INFERENCE, e.amount)) {
          failed++;
          break;
        }
        escrows.push({ creator: e.creator, amount: e.amount, slots: e.slots, settled: false });
        break;
      }
      case 'settle_escrow': {
        const escrow = escrows[Number(e.escrow) - 1];
        if (escrow === undefined || escrow.settled) {
          failed++;
          break;
        }
        const n = BigInt(escrow.slots.length);
        const share = e.fees / n;
        let remainder = e.fees % n;
        let cost = 0n;
        const pay = new Map();
        for (const h of e.hosts) {
          cost += h.cost;
          let amount = h.cost + share;
          if (remainder > 0n) {
            amount += 1n;
            remainder -= 1n;
          }
          const host = escrow.slots[h.slot];
          pay.set(host, (pay.get(host) ?? 0n) + amount);
        }
        if (cost + e.fees > escrow.amount) {
          failed++;
          break;
        }
        let paid = 0n;
        for (const [host, amount] of pay) {
          if (rules === 'immediate') move(INFERENCE, host, amount);
          else ledger.set(host, ledger.get(host) + amount);
          paid += amount;
        }
        move(INFERENCE, escrow.creator, escrow.amount - paid);
        escrow.settled = true;
        break;
      }
      case 'run_inference': {
        if (!active.has(e.executor)) {
          failed++;
          break;
        }
        const price = e.price ?? tokenPrice;
        const escrow = (e.maxTokens + e.promptTokens) * price;
        const cost = (e.promptTokens + e.completionTokens) * price;
        const pay = e.outcome === 'expired' ? 0n : cost < escrow ? cost : escrow;
        if (bank.get(e.requester) < escrow) {
          failed++;
          break;
        }
        move(e.requester, INFERENCE, pay);
        ledger.set(e.executor, ledger.get(e.executor) + pay);
        break;
      }
      default:
        // claim_reward (nothing to claim in the first epoch), exclude_participant: no balance moves
        break;
    }
  }
  return { bank, ledger, failed };
}

/**
 * The floor model that does the same work as epochsim on `floorWorkload`'s events: not only the
 * balances (`floorReplay`) but everything else those events write to the chain state, in plain
 * mutable Maps and objects, each checked as epochsim checks it:
 *
 * - participants: coin_balance, earned_coins, inference_count, missed_requests,
 *   invalidated_inferences and status, per name;
 * - escrows (id, creator, amount, epoch, slots, settled) and the escrows created per epoch;
 * - host stats per (epoch, host): missed, invalid, cost, required and completed validations,
 *   escrow count;
 * - inferences: one record per id (automatic ids `inf-<n>`), with its escrow and actual cost;
 * - exclusions per epoch.
 *
 * Still no history, no invariants, no transactions, no transfer or effect records. Only what
 * `floorWorkload` uses is modelled (one epoch: settlements are always in their own epoch;
 * automatic inference ids; no explicit settler): anything else throws, so the model cannot
 * silently do less work than epochsim on another workload. `compareStateWithEngine` checks every
 * field above against epochsim's final state.
 */
export function floorReplayState(scenario, rules) {
  const { tokenPrice, escrow: limits } = scenario.params;
  const { bank, move } = openBank(scenario);
  const people = new Map();
  for (const p of scenario.participants) {
    people.set(p.name, { status: 'ACTIVE', coinBalance: 0n, earnedCoins: 0n, inferenceCount: 0, missedRequests: 0, invalidatedInferences: 0 });
  }
  const everyone = scenario.participants.map((p) => p.name);
  let epoch = 0;
  let active = new Set();
  const escrows = [];
  const createdIn = new Map();
  const hostStats = new Map();
  const exclusions = new Map();
  const inferences = new Map();
  let seq = 0;
  let failed = 0;
  const credit = (p, amount) => {
    p.coinBalance += amount;
    p.earnedCoins += amount;
  };
  const unmodelled = (what) => {
    throw new Error(`bench: the state floor does not model ${what}`);
  };
  for (const item of scenario.items) {
    const e = item.event;
    switch (e.type) {
      case 'start_epoch':
        if (epoch !== 0) unmodelled('a second epoch');
        epoch = 1;
        active = new Set(e.active ?? everyone);
        break;
      case 'transfer':
        if (!move(e.from, e.to, e.amount)) failed++;
        break;
      case 'create_escrow': {
        const count = createdIn.get(epoch) ?? 0;
        if (e.amount < limits.minAmount || e.amount > limits.maxAmount || BigInt(count) >= limits.maxPerEpoch || epoch === 0 || e.slots.length === 0) {
          failed++;
          break;
        }
        if (!e.slots.every((h) => active.has(h)) || !move(e.creator, INFERENCE, e.amount)) {
          failed++;
          break;
        }
        escrows.push({ id: escrows.length + 1, creator: e.creator, amount: e.amount, epoch, slots: [...e.slots], settled: false });
        createdIn.set(epoch, count + 1);
        break;
      }
      case 'settle_escrow': {
        if (e.settler !== undefined) unmodelled('an explicit settler');
        const escrow = escrows[Number(e.escrow) - 1];
        if (escrow === undefined || escrow.settled) {
          failed++;
          break;
        }
        const n = escrow.slots.length;
        // the v1 checks, in their order: repeated slot, slot range, nonce bounds, sums
        const seen = new Set();
        let bad = false;
        let cost = 0n;
        for (const h of e.hosts) {
          if (seen.has(h.slot) || h.slot >= n) bad = true;
          seen.add(h.slot);
          if (e.nonce !== undefined && !bad) {
            const first = BigInt(h.slot === 0 ? n : h.slot);
            const assigned = e.nonce < first ? 0 : Number(1n + (e.nonce - first) / BigInt(n));
            if (h.missed > assigned || h.invalid > assigned - h.missed) bad = true;
          }
          cost += h.cost;
        }
        const share = e.fees / BigInt(n);
        let remainder = e.fees % BigInt(n);
        if (bad || cost + e.fees > escrow.amount || remainder > BigInt(e.hosts.length)) {
          failed++;
          break;
        }
        // per host, in the order of its first entry: payout, and the counters of its entries
        const perHost = new Map();
        for (const h of e.hosts) {
          const host = escrow.slots[h.slot];
          let amount = h.cost + share;
          if (remainder > 0n) {
            amount += 1n;
            remainder -= 1n;
          }
          let sum = perHost.get(host);
          if (sum === undefined) {
            sum = { amount: 0n, missed: 0, invalid: 0, completed: 0, cost: 0n, required: 0, validated: 0 };
            perHost.set(host, sum);
          }
          sum.amount += amount;
          sum.missed += h.missed;
          sum.invalid += h.invalid;
          sum.cost += h.cost;
          sum.required += h.requiredValidations;
          sum.validated += h.completedValidations;
          if (e.nonce !== undefined) {
            const first = BigInt(h.slot === 0 ? n : h.slot);
            sum.completed += (e.nonce < first ? 0 : Number(1n + (e.nonce - first) / BigInt(n))) - h.missed;
          }
        }
        let paid = 0n;
        let stats = hostStats.get(escrow.epoch);
        if (stats === undefined) hostStats.set(escrow.epoch, (stats = new Map()));
        for (const [host, sum] of perHost) {
          if (rules === 'immediate') move(INFERENCE, host, sum.amount);
          else {
            const p = people.get(host);
            p.missedRequests += sum.missed;
            p.invalidatedInferences += sum.invalid;
            p.inferenceCount += sum.completed;
            if (sum.amount > 0n) credit(p, sum.amount);
          }
          paid += sum.amount;
          const s = stats.get(host);
          if (s === undefined) {
            stats.set(host, { missed: sum.missed, invalid: sum.invalid, cost: sum.cost, requiredValidations: sum.required, completedValidations: sum.validated, escrowCount: 1 });
          } else {
            s.missed += sum.missed;
            s.invalid += sum.invalid;
            s.cost += sum.cost;
            s.requiredValidations += sum.required;
            s.completedValidations += sum.validated;
            s.escrowCount += 1;
          }
        }
        move(INFERENCE, escrow.creator, escrow.amount - paid);
        escrow.settled = true;
        break;
      }
      case 'run_inference': {
        if (e.id !== undefined) unmodelled('an explicit inference id');
        if (!active.has(e.executor) || e.maxTokens > MAX_TOKENS || e.promptTokens > MAX_TOKENS || e.completionTokens > MAX_TOKENS) {
          failed++;
          break;
        }
        const price = e.price ?? tokenPrice;
        const escrow = (e.maxTokens + e.promptTokens) * price;
        const cost = (e.promptTokens + e.completionTokens) * price;
        const expired = e.outcome === 'expired';
        const pay = expired ? 0n : cost < escrow ? cost : escrow;
        if (bank.get(e.requester) < escrow) {
          failed++;
          break;
        }
        let n = seq + 1;
        let id = `inf-${n}`;
        while (inferences.has(id)) id = `inf-${++n}`;
        seq = n;
        move(e.requester, INFERENCE, pay);
        inferences.set(id, {
          id,
          requester: e.requester,
          executor: e.executor,
          price,
          promptTokens: e.promptTokens,
          maxTokens: e.maxTokens,
          completionTokens: e.completionTokens,
          escrow,
          actualCost: expired ? 0n : cost,
          status: expired ? 'EXPIRED' : 'FINISHED',
          epoch,
        });
        const p = people.get(e.executor);
        if (expired) p.missedRequests += 1;
        else {
          if (pay > 0n) credit(p, pay);
          p.inferenceCount += 1;
        }
        break;
      }
      case 'exclude_participant': {
        let excluded = exclusions.get(epoch);
        if (excluded === undefined) exclusions.set(epoch, (excluded = []));
        if (!active.has(e.participant) || excluded.includes(e.participant)) {
          failed++;
          break;
        }
        people.get(e.participant).status = e.reason === 'invalid' ? 'INVALID' : 'INACTIVE';
        excluded.push(e.participant);
        break;
      }
      case 'claim_reward':
        // in the first epoch no one has a settle amount: the claim answers and writes nothing
        if (!active.has(e.participant)) failed++;
        break;
      default:
        unmodelled(e.type);
    }
  }
  return { bank, people, escrows, createdIn, hostStats, exclusions, inferences, seq, failed };
}

/** `MaxAllowedTokens`, the cap on every token count of an inference message. */
const MAX_TOKENS = 1_000_000n;

/**
 * Whether the state floor ends where epochsim ends: every field `floorReplayState` models, read
 * from epochsim's final state with the library's own queries. A list of the first differences
 * (empty: the same).
 */
export function compareStateWithEngine(model, result, lib, inferenceOf) {
  const diffs = [];
  const differ = (what, got, want) => {
    if (got !== want && diffs.length < 5) diffs.push(`${what}: engine ${got}, floor ${want}`);
  };
  const { final, world } = result;
  for (const [name, balance] of model.bank) differ(`bank ${name}`, lib.balanceOf(final, world, name), balance);
  for (const [name, p] of model.people) {
    const q = lib.participantOf(final, world, name);
    for (const field of ['status', 'coinBalance', 'earnedCoins', 'inferenceCount', 'missedRequests', 'invalidatedInferences']) differ(`${name}.${field}`, q?.[field], p[field]);
  }
  for (const e of model.escrows) {
    const got = lib.escrowOf(final, e.id);
    for (const field of ['creator', 'amount', 'epoch', 'settled']) differ(`escrow ${e.id}.${field}`, got?.[field], e[field]);
    differ(`escrow ${e.id}.slots`, got?.slots.join(), e.slots.join());
  }
  differ('escrow count', final.escrows.size, model.escrows.length);
  for (const [epoch, count] of model.createdIn) differ(`escrows created in ${epoch}`, lib.escrowsCreatedIn(final, epoch), count);
  for (const [epoch, stats] of model.hostStats) {
    for (const name of world.participants) {
      const got = lib.hostStatsOf(final, epoch, world.participantIndex.get(name));
      const want = stats.get(name);
      for (const field of ['missed', 'invalid', 'cost', 'requiredValidations', 'completedValidations', 'escrowCount']) differ(`host stats ${epoch} ${name}.${field}`, got?.[field], want?.[field]);
    }
  }
  for (const [epoch, names] of model.exclusions) differ(`exclusions of ${epoch}`, lib.exclusionsOf(final, epoch).join(), names.join());
  differ('inference sequence', final.inferenceSeq, model.seq);
  for (const [id, r] of model.inferences) {
    const got = inferenceOf(final, id);
    for (const field of ['requester', 'executor', 'price', 'promptTokens', 'maxTokens', 'completionTokens', 'escrow', 'actualCost', 'status', 'epoch']) {
      differ(`inference ${id}.${field}`, got?.[field], r[field]);
    }
  }
  differ('failed events', result.counts.failed, model.failed);
  return diffs;
}

/**
 * Whether the model ends where epochsim ends: every bank balance (accounts, participants, the
 * inference module), every ledger coin balance and the number of failed events. A list of the
 * first differences (empty: the same).
 */
export function compareWithEngine(model, result, { balanceOf, participantOf }) {
  const diffs = [];
  for (const [name, balance] of model.bank) {
    const got = balanceOf(result.final, result.world, name);
    if (got !== balance && diffs.length < 5) diffs.push(`bank ${name}: engine ${got}, floor ${balance}`);
  }
  for (const [name, coins] of model.ledger) {
    const got = participantOf(result.final, result.world, name)?.coinBalance;
    if (got !== coins && diffs.length < 5) diffs.push(`coin_balance ${name}: engine ${got}, floor ${coins}`);
  }
  if (result.counts.failed !== model.failed) diffs.push(`failed events: engine ${result.counts.failed}, floor ${model.failed}`);
  return diffs;
}

/** The peak RSS hook's path, for a caller that spawns node itself. */
export const maxRssHook = () => MAXRSS_HOOK;

/** Size of a file in MB. */
export const fileMb = (path) => readFileSync(path).length / 1e6;
