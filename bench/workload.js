/**
 * The benchmark workload: a seeded, valid typed Scenario of any size (no Math.random, no Date),
 * shared by bench/bench.js and bench/gen-yaml.js (which writes it as a YAML file).
 */
const { DEFAULT_PARAMS } = await import('../dist/index.js');

export const EVENTS_PER_EPOCH = 2_500;
export const USERS = 200;
export const SEED = 0x5eed_2025;

// ---------------------------------------------------------------------------------------------
// Deterministic randomness: mulberry32, a tiny 32-bit PRNG (public domain, Tommy Ettinger).
// ---------------------------------------------------------------------------------------------
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Small helpers over one PRNG: integers, bigints in a range, picks, weighted choice. */
export function makeRandom(seed) {
  const next = mulberry32(seed);
  const int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)); // inclusive
  // A bigint uniform enough in [lo, hi] for a workload: 53 random bits scaled onto the span.
  const big = (lo, hi) => {
    if (hi <= lo) return lo;
    const span = hi - lo + 1n;
    const r = BigInt(Math.floor(next() * 2 ** 21)) * 2n ** 32n + BigInt(Math.floor(next() * 2 ** 32));
    return lo + ((r * span) >> 53n);
  };
  const pick = (list) => list[Math.floor(next() * list.length)];
  const chance = (p) => next() < p;
  return { next, int, big, pick, chance };
}

// ---------------------------------------------------------------------------------------------
// Scenario generator.
// ---------------------------------------------------------------------------------------------

/**
 * The share of each event kind in an epoch's body (between start_epoch and end_epoch); the
 * shares are normalised, so they need not add up to exactly 1. Claims are few enough (~87 an
 * epoch) that even at 100 participants almost every claimant is a different member, so the
 * outcome mix, not only the event mix, stays the same at every participant count.
 */
const MIX = [
  ['run_inference', 0.34],
  ['create_escrow', 0.21],
  ['settle_escrow', 0.21],
  ['transfer', 0.19],
  ['claim_reward', 0.035],
  ['exclude_participant', 0.0005],
  // Deliberate transaction failures (marked expect_error, so the run stays `ok`): a second
  // settlement of an escrow, and an inference on a host left out of the epoch's active set.
  ['fail_settle_twice', 0.003],
  ['fail_inactive_executor', 0.0015],
];
const MIX_TOTAL = MIX.reduce((sum, [, share]) => sum + share, 0);

/**
 * Builds a valid typed Scenario of at least `events` events over `participants` participants:
 * epochs of `perEpoch` events, each start_epoch … end_epoch, with escrows settled in their own
 * epoch or (about a quarter, plus those still open at end_epoch) in the next one.
 */
export function makeScenario({ participants: P, events: N, perEpoch = EVENTS_PER_EPOCH, users: U = USERS, seed = SEED, stream = false }) {
  const rnd = makeRandom(seed);
  const params = {
    ...DEFAULT_PARAMS,
    // Lift the per-epoch escrow cap so creation never fails on it (the workload is about cost,
    // not about that rule); amounts stay within the default [min_amount, max_amount].
    escrow: { ...DEFAULT_PARAMS.escrow, maxPerEpoch: 1_000_000_000n },
  };
  const { minAmount, maxAmount } = params.escrow;

  const GONKA = 1_000_000_000n;
  const userNames = Array.from({ length: U }, (_, i) => `user${String(i).padStart(4, '0')}`);
  const hostNames = Array.from({ length: P }, (_, i) => `host${String(i).padStart(5, '0')}`);
  // 1 000 000 gonka per user: escrow locks (<= 10 gonka), inference escrows and transfers never run
  // a user dry, so every create_escrow succeeds and escrow ids are known in advance.
  const accounts = userNames.map((name) => ({ name, balance: 1_000_000n * GONKA }));
  const participantsList = hostNames.map((name) => ({ name, weight: BigInt(rnd.int(1, 1000)), balance: 10n * GONKA }));

  let emitted = 0; // items made so far
  let buffer = []; // made but not yet handed out (a few at a time: the events are streamed)
  const counts = {};
  const push = (event, expectError) => {
    const index = ++emitted;
    counts[event.type] = (counts[event.type] ?? 0) + 1;
    buffer.push({
      kind: 'event',
      index,
      loc: { line: index, col: 1 },
      event,
      expectError,
      expectResult: undefined,
      note: undefined,
    });
  };

  let nextEscrowId = 1n; // every create_escrow succeeds, so ids are 1, 2, 3, …
  let openNow = []; // escrows of this epoch to settle in this epoch: { id, amount, slots }
  let openNext = []; // escrows of this epoch to settle in the next one (cross-epoch)
  let carried = []; // escrows of the previous epoch, settled early in this one
  const settled = []; // recent settled ids, for the deliberate "already settled" failures

  const settleEvent = (escrow) => {
    const n = escrow.slots.length;
    // Every slot reports, in a shuffled message order (the fee remainder follows message order).
    const order = escrow.slots.map((_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = rnd.int(0, i);
      [order[i], order[j]] = [order[j], order[i]];
    }
    const fees = rnd.big(0n, escrow.amount / 10n);
    const budget = (escrow.amount - fees) / BigInt(n); // Σ cost + fees <= amount
    const nonce = rnd.chance(0.5) ? BigInt(rnd.int(n, 20 * n)) : undefined;
    const hosts = order.map((slot) => {
      let missed = rnd.int(0, 2);
      let invalid = rnd.int(0, 1);
      if (nonce !== undefined) {
        // The V0212 bound: missed <= assigned, invalid <= assigned - missed.
        const first = BigInt(slot === 0 ? n : slot);
        const assigned = nonce < first ? 0 : Number(1n + (nonce - first) / BigInt(n));
        missed = Math.min(missed, assigned);
        invalid = Math.min(invalid, assigned - missed);
      }
      const requiredValidations = rnd.int(0, 8);
      return {
        slot,
        cost: rnd.big(0n, budget),
        missed,
        invalid,
        requiredValidations,
        completedValidations: rnd.int(0, requiredValidations),
      };
    });
    return { type: 'settle_escrow', escrow: escrow.id, settler: undefined, fees, nonce, hosts };
  };

  const drain = function* () {
    const out = buffer;
    buffer = [];
    yield* out;
  };
  const generate = function* () {
    let previousActive = [];
    for (let epoch = 1; emitted < N; epoch++) {
      // start_epoch: from epoch 2 on, ~2% of the participants sit an epoch out (the active list is
      // then given explicitly); now and then a few weights change.
      const leftOut = new Set();
      if (epoch > 1) for (const name of hostNames) if (rnd.chance(0.02)) leftOut.add(name);
      const active = leftOut.size === 0 ? hostNames : hostNames.filter((name) => !leftOut.has(name));
      const weights = [];
      if (epoch % 4 === 0) {
        for (let i = 0; i < 3; i++) {
          const host = rnd.pick(hostNames);
          const weight = BigInt(rnd.int(1, 1000));
          // a host drawn twice would be a duplicate key of the `weights` map: the file would be invalid
          if (!weights.some(([name]) => name === host)) weights.push([host, weight]);
        }
      }
      push({ type: 'start_epoch', active: leftOut.size === 0 ? undefined : active, weights });

      carried = [...openNext, ...openNow];
      openNow = [];
      openNext = [];
      const excluded = new Set();
      // Claimants: the members of the previous epoch in a shuffled order, each once; one claim in
      // eight repeats an earlier claimant ("No rewards for this address").
      const claimants = [...(previousActive.length > 0 ? previousActive : active)];
      for (let i = claimants.length - 1; i > 0; i--) {
        const j = rnd.int(0, i);
        [claimants[i], claimants[j]] = [claimants[j], claimants[i]];
      }
      const claimed = [];
      const bodyEnd = Math.min(emitted + perEpoch - 2, N - 1);

      while (emitted < bodyEnd) {
        yield* drain();
        let r = rnd.next() * MIX_TOTAL;
        let kind = MIX[MIX.length - 1][0];
        for (const [name, share] of MIX) {
          if (r < share) {
            kind = name;
            break;
          }
          r -= share;
        }
        switch (kind) {
          case 'run_inference': {
            const promptTokens = BigInt(rnd.int(10, 2_000));
            push({
              type: 'run_inference',
              requester: rnd.pick(userNames),
              executor: rnd.pick(active),
              promptTokens,
              completionTokens: BigInt(rnd.int(10, 6_000)), // above max_tokens sometimes: pay is capped
              maxTokens: 5_000n,
              price: undefined,
              id: undefined,
              outcome: rnd.chance(0.9) ? 'finished' : 'expired',
            });
            break;
          }
          case 'create_escrow':
          case 'settle_escrow': {
            // A settle with nothing open becomes a create, so the escrow flow never stalls.
            const pending = carried.length > 0 ? carried : openNow;
            if (kind === 'settle_escrow' && pending.length > 0) {
              // Carried escrows first (they must be settled in this epoch), then this epoch's.
              const escrow = pending.splice(rnd.int(0, pending.length - 1), 1)[0];
              push(settleEvent(escrow));
              settled.push(escrow.id);
              if (settled.length > 64) settled.shift();
              break;
            }
            const slots = Array.from({ length: rnd.int(1, 8) }, () => rnd.pick(active));
            const escrow = { id: nextEscrowId++, amount: rnd.big(minAmount, maxAmount), slots };
            push({ type: 'create_escrow', creator: rnd.pick(userNames), amount: escrow.amount, slots, id: undefined });
            (rnd.chance(0.25) ? openNext : openNow).push(escrow);
            break;
          }
          case 'transfer': {
            // Mostly user to user; sometimes a host spends what it earned.
            const fromHost = rnd.chance(0.1);
            push({
              type: 'transfer',
              from: fromHost ? rnd.pick(hostNames) : rnd.pick(userNames),
              to: rnd.chance(0.5) ? rnd.pick(userNames) : rnd.pick(hostNames),
              amount: rnd.big(1n, fromHost ? GONKA / 100n : 10n * GONKA),
            });
            break;
          }
          case 'claim_reward': {
            // The claim window: the settle amount of the previous epoch, by one of its members.
            const repeat = claimed.length > 0 && (claimants.length === 0 || rnd.chance(1 / 8));
            const participant = repeat ? rnd.pick(claimed) : claimants.pop();
            claimed.push(participant);
            push({ type: 'claim_reward', participant, epoch: BigInt(epoch - 1) });
            break;
          }
          case 'exclude_participant': {
            const name = rnd.pick(active);
            if (excluded.has(name)) break;
            excluded.add(name);
            push({ type: 'exclude_participant', participant: name, reason: rnd.chance(0.5) ? 'invalid' : 'inactive' });
            break;
          }
          case 'fail_settle_twice':
            if (settled.length === 0) break;
            push(
              { type: 'settle_escrow', escrow: rnd.pick(settled), settler: undefined, fees: 0n, nonce: undefined, hosts: [] },
              'already settled',
            );
            break;
          case 'fail_inactive_executor':
            if (leftOut.size === 0) break;
            push(
              {
                type: 'run_inference',
                requester: rnd.pick(userNames),
                executor: leftOut.values().next().value,
                promptTokens: 100n,
                completionTokens: 100n,
                maxTokens: 5_000n,
                price: undefined,
                id: undefined,
                outcome: 'finished',
              },
              'participant is not active',
            );
            break;
        }
      }
      // Escrows carried from the previous epoch are settled before this one ends (later would be
      // too late: a settlement may only come in the escrow's epoch or the next).
      for (const escrow of carried) push(settleEvent(escrow));
      carried = [];

      const punish = epoch % 3 === 0 ? [rnd.pick(active), rnd.pick(active)] : [];
      push({ type: 'end_epoch', punish });
      yield* drain();
      previousActive = active;
    }
  };

  return {
    scenario: {
      name: `bench: ${N} events, ${P} participants`,
      description: undefined,
      rules: undefined,
      params,
      accounts,
      participants: participantsList,
      // streamed: a one-shot iterable (runScenario reads items with for-of), so 10^6 events
      // never sit in memory at once; `counts` is complete once it has been read through
      items: stream ? generate() : [...generate()],
    },
    counts,
  };
}

