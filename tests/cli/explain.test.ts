/**
 * `epochsim explain`: one exact block for each settlement branch of the deferred rules (and the
 * immediate one), an end of epoch, claim answers, failures explained, `--step`, the four buckets
 * adding up at every step of every bundled scenario under every ruleset, and the 80-column
 * limit. The chain versions' own blocks are in explain-versions.test.ts.
 */
import { readFileSync } from 'node:fs';
import { accountHoldings, sumHoldings } from '../../src/cli/render/holdings.js';
import { replay } from '../../src/cli/render/replay.js';
import { vecForEach } from '../../src/engine/storage/pvec.js';
import { balanceOf, holdingsOf, participantOf } from '../../src/engine/storage/queries.js';
import type { StepView } from '../../src/engine/replay/run.js';
import type { ChainState, World } from '../../src/engine/storage/state.js';
import { RULE_NAMES } from '../../src/domain/scenario.js';
import { loadScenario } from '../../src/scenario/load.js';
import { BAD_SCENARIO, runCli } from './fakeIo.js';
import { block, explain, file, SCENARIOS } from './narrative.js';

const SAME_EPOCH = `── Step 3 · line 20 · settle_escrow ────────────────────────────────────────────
alice settles escrow 1 (7 gonka of epoch 1, slots h1, h1, h2) with fees of 0.3
gonka and 3 host entries.
Note: Each slot is owed its cost plus 0.1 gonka of fees; h1 owns slots 0 and 1.

Escrow 1 is from epoch 1 and the chain is in epoch 1, which has not ended:
same-epoch settlement. Under the deferred rules (PR #1000) each host's payout is
credited to its ledger (coin_balance and earned_coins); no coins move to the
hosts until epoch 1 ends and they claim during epoch 2.
Fees: 0.3 gonka over 3 slots is 0.1 gonka per host entry, with no remainder.
    slot 0 (h1): 0.1 cost + 0.1 fees = 0.2 gonka
    slot 1 (h1): 0.1 cost + 0.1 fees = 0.2 gonka
    slot 2 (h2): 0.2 cost + 0.1 fees = 0.3 gonka; missed 1
  - h1 is owed 0.4 gonka (slots 0 and 1): credited to its ledger, to be paid
    with its epoch-1 settle amount.
  - h2 is owed 0.3 gonka: credited to its ledger, to be paid with its epoch-1
    settle amount.
  - The entries' missed and invalid counts are merged into the hosts' current
    epoch stats.
  - alice gets back 6.3 gonka: the 7 gonka locked minus 0.7 gonka for the hosts
    (subnet_escrow_refund).
  - Escrow 1 is now settled; the host stats of epoch 1 add every entry and count
    the escrow once per host.

Transfers (gonka)
  inference → alice  6.3  subnet_escrow_refund

Changes (before → after)
  bank.inference                   7 → 0.7 gonka
  bank.alice                       13 → 19.3 gonka
  participants.h1.coin_balance     0 → 0.4 gonka
  participants.h1.earned_coins     0 → 0.4 gonka
  participants.h2.coin_balance     0 → 0.3 gonka
  participants.h2.earned_coins     0 → 0.3 gonka
  participants.h2.missed_requests  0 → 1
  escrows.1.settled                false → true
  host_stats.1.h1                  none → cost 0.2 gonka, 1 escrow
  host_stats.1.h2                  none → cost 0.2 gonka, 1 escrow, missed 1

Holdings after step 3 (gonka)
  account       liquid  owed  claimable  escrowed  total
  alice           19.3     0          0         0   19.3
  h1                 0   0.4          0         0    0.4
  h2                 0   0.3          0         0    0.3
  all accounts    19.3   0.7          0         0     20`;

const CROSS_UNCLAIMED = `── Step 5 · line 20 · settle_escrow ────────────────────────────────────────────
alice settles escrow 1 (5 gonka of epoch 1, slots h1, h2) with fees of 0.2 gonka
and 2 host entries.
Note: Epoch 2 settles an epoch-1 escrow; h1 is owed 0.4 gonka and h2 0.2 gonka.

Escrow 1 is from epoch 1 and the chain is in epoch 2: cross-epoch settlement.
Each host's epoch-1 performance summary decides where its payout goes.
Fees: 0.2 gonka over 2 slots is 0.1 gonka per host entry, with no remainder.
    slot 0 (h1): 0.3 cost + 0.1 fees = 0.4 gonka
    slot 1 (h2): 0.1 cost + 0.1 fees = 0.2 gonka
  - h1 was not punished in epoch 1 (reward 500 gonka); its epoch-1 settle amount
    is unclaimed, so 0.4 gonka is added to its work coins (and to the earned
    coins of its epoch-1 summary).
  - h2 was not punished in epoch 1 (reward 500 gonka); its epoch-1 settle amount
    is unclaimed, so 0.2 gonka is added to its work coins (and to the earned
    coins of its epoch-1 summary).
  - alice gets back 4.4 gonka: the 5 gonka locked minus 0.6 gonka for the hosts
    (subnet_escrow_refund).
  - Escrow 1 is now settled; the host stats of epoch 1 add every entry and count
    the escrow once per host.

Transfers (gonka)
  inference → alice  4.4  subnet_escrow_refund

Changes (before → after)
  bank.inference                1,005 → 1,000.6 gonka
  bank.alice                    15 → 19.4 gonka
  settle_amounts.h1.work_coins  0 → 0.4 gonka
  settle_amounts.h2.work_coins  0 → 0.2 gonka
  summaries.1.h1.earned_coins   0 → 0.4 gonka
  summaries.1.h2.earned_coins   0 → 0.2 gonka
  escrows.1.settled             false → true
  host_stats.1.h1               none → cost 0.3 gonka, 1 escrow
  host_stats.1.h2               none → cost 0.1 gonka, 1 escrow

Holdings after step 5 (gonka)
  account       liquid  owed  claimable  escrowed  total
  alice           19.4     0          0         0   19.4
  h1                 0     0      500.4         0  500.4
  h2                 0     0      500.2         0  500.2
  all accounts    19.4     0    1,000.6         0  1,020`;

const CROSS_AFTER_CLAIM = `── Step 6 · line 22 · settle_escrow ────────────────────────────────────────────
alice settles escrow 1 (5 gonka of epoch 1, slots h1, h2) with no fees and 2
host entries.
Note: h1 already claimed epoch 1, so its 1 gonka is a bank transfer; h2's 0.5
      gonka joins its settle amount.

Escrow 1 is from epoch 1 and the chain is in epoch 2: cross-epoch settlement.
Each host's epoch-1 performance summary decides where its payout goes.
There are no fees: each host entry is owed its cost.
    slot 0 (h1): 1 gonka cost
    slot 1 (h2): 0.5 gonka cost
  - h1 was not punished in epoch 1 (reward 500 gonka), but it has already
    claimed its epoch-1 rewards, so its 1 gonka cannot wait there: it is paid at
    once by bank (subnet_escrow_payment) and added to its epoch-1 summary.
  - h2 was not punished in epoch 1 (reward 500 gonka); its epoch-1 settle amount
    is unclaimed, so 0.5 gonka is added to its work coins (and to the earned
    coins of its epoch-1 summary).
  - alice gets back 3.5 gonka: the 5 gonka locked minus 1.5 gonka for the hosts
    (subnet_escrow_refund).
  - Escrow 1 is now settled; the host stats of epoch 1 add every entry and count
    the escrow once per host.

Transfers (gonka)
  inference → h1       1  subnet_escrow_payment
  inference → alice  3.5  subnet_escrow_refund

Changes (before → after)
  bank.inference                505 → 500.5 gonka
  bank.alice                    15 → 18.5 gonka
  bank.h1                       500 → 501 gonka
  settle_amounts.h2.work_coins  0 → 0.5 gonka
  summaries.1.h1.earned_coins   0 → 1 gonka
  summaries.1.h2.earned_coins   0 → 0.5 gonka
  escrows.1.settled             false → true
  host_stats.1.h1               none → cost 1 gonka, 1 escrow
  host_stats.1.h2               none → cost 0.5 gonka, 1 escrow

Holdings after step 6 (gonka)
  account       liquid  owed  claimable  escrowed  total
  alice           18.5     0          0         0   18.5
  h1               501     0          0         0    501
  h2                 0     0      500.5         0  500.5
  all accounts   519.5     0      500.5         0  1,020`;

const PUNISHED_REFUND = `── Step 6 · line 28 · settle_escrow ────────────────────────────────────────────
alice settles escrow 1 (6 gonka of epoch 1, slots h1, h2, h3) with fees of 0.3
gonka and 3 host entries.
Note: Each host is owed 0.2 gonka; h2 was punished in epoch 1, so its 0.2 gonka
      is refunded to alice.

Escrow 1 is from epoch 1 and the chain is in epoch 2: cross-epoch settlement.
Each host's epoch-1 performance summary decides where its payout goes.
Fees: 0.3 gonka over 3 slots is 0.1 gonka per host entry, with no remainder.
    slot 0 (h1): 0.1 cost + 0.1 fees = 0.2 gonka
    slot 1 (h2): 0.1 cost + 0.1 fees = 0.2 gonka
    slot 2 (h3): 0.1 cost + 0.1 fees = 0.2 gonka
  - h1 was not punished in epoch 1 (reward 333.333333333 gonka); its epoch-1
    settle amount is unclaimed, so 0.2 gonka is added to its work coins (and to
    the earned coins of its epoch-1 summary).
  - h2 was punished in epoch 1: its epoch-1 reward is 0 (end_epoch punish at
    step 3: it failed the downtime test). It is not paid: with skipped_payout:
    refund its 0.2 gonka stays with the creator, in the refund.
  - h3 was not punished in epoch 1 (reward 333.333333333 gonka); its epoch-1
    settle amount is unclaimed, so 0.2 gonka is added to its work coins (and to
    the earned coins of its epoch-1 summary).
  - alice gets back 5.6 gonka: the 6 gonka locked minus 0.4 gonka for the hosts
    (subnet_escrow_refund).
  - Escrow 1 is now settled; the host stats of epoch 1 add every entry and count
    the escrow once per host.

Transfers (gonka)
  inference → alice  5.6  subnet_escrow_refund

Changes (before → after)
  bank.inference                672.666666666 → 667.066666666 gonka
  bank.alice                    14 → 19.6 gonka
  settle_amounts.h1.work_coins  0 → 0.2 gonka
  settle_amounts.h3.work_coins  0 → 0.2 gonka
  summaries.1.h1.earned_coins   0 → 0.2 gonka
  summaries.1.h3.earned_coins   0 → 0.2 gonka
  escrows.1.settled             false → true
  host_stats.1.h1               none → cost 0.1 gonka, 1 escrow
  host_stats.1.h2               none → cost 0.1 gonka, 1 escrow
  host_stats.1.h3               none → cost 0.1 gonka, 1 escrow

Holdings after step 6 (gonka)
  account              liquid  owed      claimable  escrowed          total
  alice                  19.6     0              0         0           19.6
  h1                        0     0  333.533333333         0  333.533333333
  h3                        0     0  333.533333333         0  333.533333333
  all accounts  352.933333334     0  667.066666666         0          1,020`;

const PUNISHED_GOVERNANCE = `── Step 5 · line 21 · settle_escrow ────────────────────────────────────────────
alice settles escrow 1 (6 gonka of epoch 1, slots h1, h2, h3) with fees of 0.3
gonka and 3 host entries.
Note: h2's 0.2 gonka goes to governance (memo
      forfeited_work_coins_to_governance:epoch=1).

Escrow 1 is from epoch 1 and the chain is in epoch 2: cross-epoch settlement.
Each host's epoch-1 performance summary decides where its payout goes.
Fees: 0.3 gonka over 3 slots is 0.1 gonka per host entry, with no remainder.
    slot 0 (h1): 0.1 cost + 0.1 fees = 0.2 gonka
    slot 1 (h2): 0.1 cost + 0.1 fees = 0.2 gonka
    slot 2 (h3): 0.1 cost + 0.1 fees = 0.2 gonka
  - h1 was not punished in epoch 1 (reward 333.333333333 gonka); its epoch-1
    settle amount is unclaimed, so 0.2 gonka is added to its work coins (and to
    the earned coins of its epoch-1 summary).
  - h2 was punished in epoch 1: its epoch-1 reward is 0 (end_epoch punish at
    step 3: it failed the downtime test). It is not paid: with skipped_payout:
    governance its 0.2 gonka goes to governance
    (forfeited_work_coins_to_governance:epoch=1).
  - h3 was not punished in epoch 1 (reward 333.333333333 gonka); its epoch-1
    settle amount is unclaimed, so 0.2 gonka is added to its work coins (and to
    the earned coins of its epoch-1 summary).
  - alice gets back 5.4 gonka: the 6 gonka locked minus 0.4 gonka for the hosts
    and 0.2 gonka sent to governance (subnet_escrow_refund).
  - Escrow 1 is now settled; the host stats of epoch 1 add every entry and count
    the escrow once per host.

Transfers (gonka)
  inference → gov    0.2  forfeited_work_coins_to_governance:epoch=1
  inference → alice  5.4  subnet_escrow_refund

Changes (before → after)
  bank.inference                672.666666666 → 667.066666666 gonka
  bank.gov                      333.333333334 → 333.533333334 gonka
  bank.alice                    14 → 19.4 gonka
  settle_amounts.h1.work_coins  0 → 0.2 gonka
  settle_amounts.h3.work_coins  0 → 0.2 gonka
  summaries.1.h1.earned_coins   0 → 0.2 gonka
  summaries.1.h3.earned_coins   0 → 0.2 gonka
  escrows.1.settled             false → true
  host_stats.1.h1               none → cost 0.1 gonka, 1 escrow
  host_stats.1.h2               none → cost 0.1 gonka, 1 escrow
  host_stats.1.h3               none → cost 0.1 gonka, 1 escrow

Holdings after step 5 (gonka)
  account              liquid  owed      claimable  escrowed          total
  gov           333.533333334     0              0         0  333.533333334
  alice                  19.4     0              0         0           19.4
  h1                        0     0  333.533333333         0  333.533333333
  h3                        0     0  333.533333333         0  333.533333333
  all accounts  352.933333334     0  667.066666666         0          1,020`;

const IMMEDIATE = `── Step 3 · line 18 · settle_escrow ────────────────────────────────────────────
alice settles escrow 1 (7 gonka of epoch 1, slots h1, h1, h2) with fees of 0.3
gonka and 3 host entries.
Note: Hosts are liquid at once; the missed slot is kept only in the host stats.

Escrow 1 is from epoch 1 and the chain is in epoch 1, within the window of its
own epoch or the next. Under the immediate rules (the chain before PR #1000)
every host is paid by bank at once.
Fees: 0.3 gonka over 3 slots is 0.1 gonka per host entry, with no remainder.
    slot 0 (h1): 0.1 cost + 0.1 fees = 0.2 gonka
    slot 1 (h1): 0.1 cost + 0.1 fees = 0.2 gonka
    slot 2 (h2): 0.2 cost + 0.1 fees = 0.3 gonka; missed 1
  - h1 is paid 0.4 gonka (slots 0 and 1) at once by bank
    (subnet_escrow_payment).
  - h2 is paid 0.3 gonka at once by bank (subnet_escrow_payment).
  - alice gets back 6.3 gonka: the 7 gonka locked minus 0.7 gonka for the hosts
    (subnet_escrow_refund).
  - Escrow 1 is now settled; the host stats of epoch 1 add every entry and count
    the escrow once per host.

Transfers (gonka)
  inference → h1     0.4  subnet_escrow_payment
  inference → h2     0.3  subnet_escrow_payment
  inference → alice  6.3  subnet_escrow_refund

Changes (before → after)
  bank.inference     7 → 0 gonka
  bank.alice         13 → 19.3 gonka
  bank.h1            0 → 0.4 gonka
  bank.h2            0 → 0.3 gonka
  escrows.1.settled  false → true
  host_stats.1.h1    none → cost 0.2 gonka, 1 escrow
  host_stats.1.h2    none → cost 0.2 gonka, 1 escrow, missed 1

Holdings after step 3 (gonka)
  account       liquid  owed  claimable  escrowed  total
  alice           19.3     0          0         0   19.3
  h1               0.4     0          0         0    0.4
  h2               0.3     0          0         0    0.3
  all accounts      20     0          0         0     20`;

const TOO_LATE = `── Step 7 · line 22 · settle_escrow ────────────────────────────────────────────
alice settles escrow 1 (5 gonka of epoch 1, slots h1, h2) with no fees and 1
host entry.

✗ The transaction failed, as the scenario expects: devshard settlement only
supports current or previous epoch: current epoch 3, escrow epoch 1
The settlement failed: escrow 1 is from epoch 1 and the chain is in epoch 3 — a
devshard escrow can be settled only in its own epoch or the next (epoch 1 or 2).
Its 5 gonka stay locked in the inference module (v1 models no escrow pruning).
Nothing changed: a failed transaction leaves the state exactly as it was.`;

const FEE_REMAINDER = `── Step 6 · line 32 · settle_escrow ────────────────────────────────────────────
alice settles escrow 2 (1,000 ngonka of epoch 1, slots h1, h1, h2, h3) with fees
of 403 ngonka and 4 host entries.
Note: Reversed entries - slots 3, 2 and 1 get the extra coins, so h1 gets 201
      and h3 101.

Escrow 2 is from epoch 1 and the chain is in epoch 1, which has not ended:
same-epoch settlement. Under the deferred rules (PR #1000) each host's payout is
credited to its ledger (coin_balance and earned_coins); no coins move to the
hosts until epoch 1 ends and they claim during epoch 2.
Fees: 403 ngonka over 4 slots is 100 ngonka per host entry with 3 ngonka left
over; the leftover goes +1 ngonka each to the first 3 host entries in message
order (not slot order): slot 3 (h3), slot 2 (h2) and slot 1 (h1).
    slot 3 (h3): 0 cost + 100 fees + 1 remainder = 101 ngonka
    slot 2 (h2): 0 cost + 100 fees + 1 remainder = 101 ngonka
    slot 1 (h1): 0 cost + 100 fees + 1 remainder = 101 ngonka
    slot 0 (h1): 0 cost + 100 fees = 100 ngonka
  - h1 is owed 201 ngonka (slots 1 and 0): credited to its ledger, to be paid
    with its epoch-1 settle amount.
  - h2 is owed 101 ngonka: credited to its ledger, to be paid with its epoch-1
    settle amount.
  - h3 is owed 101 ngonka: credited to its ledger, to be paid with its epoch-1
    settle amount.
  - alice gets back 597 ngonka: the 1,000 ngonka locked minus 403 ngonka for the
    hosts (subnet_escrow_refund).
  - Escrow 2 is now settled; the host stats of epoch 1 add every entry and count
    the escrow once per host.

Transfers (ngonka)
  inference → alice  597  subnet_escrow_refund

Changes (before → after)
  bank.inference                1,403 → 806 ngonka
  bank.alice                    8,597 → 9,194 ngonka
  participants.h1.coin_balance  202 → 403 ngonka
  participants.h1.earned_coins  202 → 403 ngonka
  participants.h2.coin_balance  101 → 202 ngonka
  participants.h2.earned_coins  101 → 202 ngonka
  participants.h3.coin_balance  100 → 201 ngonka
  participants.h3.earned_coins  100 → 201 ngonka
  escrows.2.settled             false → true
  host_stats.1.h1               escrows 1 → escrows 2
  host_stats.1.h2               escrows 1 → escrows 2
  host_stats.1.h3               escrows 1 → escrows 2

Holdings after step 6 (ngonka)
  account       liquid  owed  claimable  escrowed   total
  alice          9,194     0          0         0   9,194
  h1                 0   403          0         0     403
  h2                 0   202          0         0     202
  h3                 0   201          0         0     201
  all accounts   9,194   806          0         0  10,000`;

const AFTER_EPOCH_END = `── Step 4 · line 19 · settle_escrow ────────────────────────────────────────────
alice settles escrow 1 (5 gonka of epoch 1, slots h1, h2) with no fees and 2
host entries.
Note: Epoch 1 is ended but still effective - the payouts go to the epoch-1
      settle amounts.

Escrow 1 is from epoch 1 and the chain is still in epoch 1, but epoch 1 has
already ended (its accounts are settled), so this is a cross-epoch settlement: a
ledger credit now would only be paid with epoch 2. Each host's epoch-1
performance summary decides where its payout goes.
There are no fees: each host entry is owed its cost.
    slot 0 (h1): 0.5 gonka cost
    slot 1 (h2): 0.5 gonka cost
  - h1 was not punished in epoch 1 (reward 500 gonka); its epoch-1 settle amount
    is unclaimed, so 0.5 gonka is added to its work coins (and to the earned
    coins of its epoch-1 summary).
  - h2 was not punished in epoch 1 (reward 500 gonka); its epoch-1 settle amount
    is unclaimed, so 0.5 gonka is added to its work coins (and to the earned
    coins of its epoch-1 summary).
  - alice gets back 4 gonka: the 5 gonka locked minus 1 gonka for the hosts
    (subnet_escrow_refund).
  - Escrow 1 is now settled; the host stats of epoch 1 add every entry and count
    the escrow once per host.

Transfers (gonka)
  inference → alice  4  subnet_escrow_refund

Changes (before → after)
  bank.inference                1,005 → 1,001 gonka
  bank.alice                    15 → 19 gonka
  settle_amounts.h1.work_coins  0 → 0.5 gonka
  settle_amounts.h2.work_coins  0 → 0.5 gonka
  summaries.1.h1.earned_coins   0 → 0.5 gonka
  summaries.1.h2.earned_coins   0 → 0.5 gonka
  escrows.1.settled             false → true
  host_stats.1.h1               none → cost 0.5 gonka, 1 escrow
  host_stats.1.h2               none → cost 0.5 gonka, 1 escrow

Holdings after step 4 (gonka)
  account       liquid  owed  claimable  escrowed  total
  alice             19     0          0         0     19
  h1                 0     0      500.5         0  500.5
  h2                 0     0      500.5         0  500.5
  all accounts      19     0      1,001         0  1,020`;

const END_EPOCH = `── Step 7 · line 29 · end_epoch ────────────────────────────────────────────────
End epoch 1: settle its accounts.
Note: h1 gets 500 gonka; h2's 500 gonka share and its 1 gonka of work go to
      governance.

Epoch 1 is settled. Its reward pool F is 1,000 gonka (params.epoch_reward). F is
minted into the inference module (reward_distribution) and shared by weight over
the whole active set (W = 200): each ACTIVE, unpunished member with weight gets
floor(weight × F / W).
  - h1 (weight 100 of 200): reward 500 gonka; work coins 1 gonka (its
    coin_balance) → settle amount for epoch 1: 501 gonka, claimable during epoch
    2.
  - h2 (weight 100 of 200): status INVALID, not ACTIVE: reward 0; its 1 gonka of
    owed work coins is forfeited to governance
    (forfeited_work_coins_to_governance:epoch=1) → nothing to settle, so no
    settle amount is written.
  - Rewards come to 500 gonka; the rest of F, 500 gonka, goes to governance
    (bitcoin_reward_to_governance:epoch=1).
Epoch 1 has now ended but stays the effective epoch until the next start_epoch;
its settle amounts can be claimed only during epoch 2.

Transfers (gonka)
  (mint) → inference  1,000  reward_distribution
  inference → gov       500  bitcoin_reward_to_governance:epoch=1
  inference → gov         1  forfeited_work_coins_to_governance:epoch=1

Changes (before → after)
  ended                         [] → [1]
  bank.inference                2 → 501 gonka
  bank.gov                      0 → 501 gonka
  participants.h1.coin_balance  1 → 0 gonka
  participants.h1.earned_coins  1 → 0 gonka
  participants.h2.coin_balance  1 → 0 gonka
  participants.h2.earned_coins  1 → 0 gonka
  settle_amounts.h1             none → epoch 1, work 1, reward 500 gonka
  summaries.1.h1                none → earned 1, rewarded 500 gonka, not claimed
  summaries.1.h2                none → earned 0, rewarded 0 gonka, not claimed
  supply.minted                 0 → 1,000 gonka

Holdings after step 7 (gonka)
  account       liquid  owed  claimable  escrowed  total
  gov              501     0          0         0    501
  h1                 0     0        501         0    501
  h2                 0     0          0         0      0
  all accounts     519     0        501         0  1,020`;

const CLAIM_OTHER_EPOCH = `── Step 14 · line 42 · claim_reward ────────────────────────────────────────────
h1 claims its rewards for epoch 2.
Note: Epoch 2 is the previous epoch, but h1's only record is now for epoch 3.

h1's settle amount is for epoch 3, not 2: its epoch-2 record was replaced when
epoch 3 ended (the old one expired to governance). The claim is still a
successful transaction: it pays nothing and answers with the chain's text.
Result: "No rewards for this block height"
As the scenario expects (expect_result: "No rewards for this block height").`;

const CLAIM_TOO_EARLY = `── Step 5 · line 35 · claim_reward ─────────────────────────────────────────────
h1 claims its rewards for epoch 1.
Note: Too early - epoch 1 is still running, so there is nothing to claim yet.

Too early: a settle amount of epoch 1 can be claimed only while epoch 2 is the
effective epoch, and the chain is still in epoch 1. No epoch can be claimed yet.
The claim is still a successful transaction: it pays nothing and answers with
the chain's text.
Result: "Can't validate claim, current epoch group does not match previous
epoch"
As the scenario expects (expect_result: "does not match previous epoch").`;

const STEP_5 = `A cross-epoch settlement is appended to the unclaimed settle amount
scenarios/03-cross-epoch-unclaimed.yaml · rules: deferred · step 5 of 9

── State before step 5 ─────────────────────────────────────────────────────────
Epoch 2 (running) · epochs ended: 1

Holdings (gonka)
  account       liquid  owed  claimable  escrowed  total
  gov                0     0          0         0      0
  alice             15     0          0         5     20
  h1                 0     0        500         0    500
  h2                 0     0        500         0    500
  all accounts      15     0      1,000         5  1,020
  The inference module holds 1,005 gonka: exactly the owed, claimable and
  escrowed coins above, which it backs.

Ledgers (gonka; owed = coin_balance, settle amount = work + reward)
  name  status  weight  owed  earned  settle amount
  h1    ACTIVE     100     0       0  epoch 1: 0 + 500
  h2    ACTIVE     100     0       0  epoch 1: 0 + 500

Performance summaries (gonka)
  epoch  name  earned  rewarded  inferences  missed  invalid  claimed
      1  h1         0       500           0       0        0  no
      1  h2         0       500           0       0        0  no

Escrows (gonka)
  id  creator  amount  epoch  slots  state
  #1  alice         5      1  h1,h2  open

── Step 5 · line 20 · settle_escrow ────────────────────────────────────────────
alice settles escrow 1 (5 gonka of epoch 1, slots h1, h2) with fees of 0.2 gonka
and 2 host entries.
Note: Epoch 2 settles an epoch-1 escrow; h1 is owed 0.4 gonka and h2 0.2 gonka.

Escrow 1 is from epoch 1 and the chain is in epoch 2: cross-epoch settlement.
Each host's epoch-1 performance summary decides where its payout goes.
Fees: 0.2 gonka over 2 slots is 0.1 gonka per host entry, with no remainder.
    slot 0 (h1): 0.3 cost + 0.1 fees = 0.4 gonka
    slot 1 (h2): 0.1 cost + 0.1 fees = 0.2 gonka
  - h1 was not punished in epoch 1 (reward 500 gonka); its epoch-1 settle amount
    is unclaimed, so 0.4 gonka is added to its work coins (and to the earned
    coins of its epoch-1 summary).
  - h2 was not punished in epoch 1 (reward 500 gonka); its epoch-1 settle amount
    is unclaimed, so 0.2 gonka is added to its work coins (and to the earned
    coins of its epoch-1 summary).
  - alice gets back 4.4 gonka: the 5 gonka locked minus 0.6 gonka for the hosts
    (subnet_escrow_refund).
  - Escrow 1 is now settled; the host stats of epoch 1 add every entry and count
    the escrow once per host.

Transfers (gonka)
  inference → alice  4.4  subnet_escrow_refund

Changes (before → after)
  bank.inference                1,005 → 1,000.6 gonka
  bank.alice                    15 → 19.4 gonka
  settle_amounts.h1.work_coins  0 → 0.4 gonka
  settle_amounts.h2.work_coins  0 → 0.2 gonka
  summaries.1.h1.earned_coins   0 → 0.4 gonka
  summaries.1.h2.earned_coins   0 → 0.2 gonka
  escrows.1.settled             false → true
  host_stats.1.h1               none → cost 0.3 gonka, 1 escrow
  host_stats.1.h2               none → cost 0.1 gonka, 1 escrow

── State after step 5 ──────────────────────────────────────────────────────────
Epoch 2 (running) · epochs ended: 1

Holdings (gonka)
  account       liquid  owed  claimable  escrowed  total
  gov                0     0          0         0      0
  alice           19.4     0          0         0   19.4
  h1                 0     0      500.4         0  500.4
  h2                 0     0      500.2         0  500.2
  all accounts    19.4     0    1,000.6         0  1,020
  The inference module holds 1,000.6 gonka: exactly the owed, claimable and
  escrowed coins above, which it backs.

Ledgers (gonka; owed = coin_balance, settle amount = work + reward)
  name  status  weight  owed  earned  settle amount
  h1    ACTIVE     100     0       0  epoch 1: 0.4 + 500
  h2    ACTIVE     100     0       0  epoch 1: 0.2 + 500

Performance summaries (gonka)
  epoch  name  earned  rewarded  inferences  missed  invalid  claimed
      1  h1       0.4       500           0       0        0  no
      1  h2       0.2       500           0       0        0  no

Escrows (gonka)
  id  creator  amount  epoch  slots  state
  #1  alice         5      1  h1,h2  settled

── Result of the whole replay ──────────────────────────────────────────────────
OK: 7 events, 2 checkpoints, invariants hold
`;

describe('one block for each rule', () => {
  test.each([
    ['same-epoch settlement credits the ledgers (deferred)', '01', 3, SAME_EPOCH],
    ['the same settlement pays by bank at once (immediate)', '02', 3, IMMEDIATE],
    ['cross epoch, settle amount unclaimed: added to its work coins', '03', 5, CROSS_UNCLAIMED],
    ['cross epoch after the claim: paid at once by bank', '04', 6, CROSS_AFTER_CLAIM],
    ['punished host, skipped_payout refund', '05', 6, PUNISHED_REFUND],
    ['punished host, skipped_payout governance', '06', 5, PUNISHED_GOVERNANCE],
    ['settled too late: the failure explained', '07', 7, TOO_LATE],
    ['the fee remainder follows message order, slots named', '08', 6, FEE_REMAINDER],
    ['the window after end_epoch counts as cross-epoch', '13', 4, AFTER_EPOCH_END],
    ['end_epoch: pool, rewards, forfeited work, governance', '10', 7, END_EPOCH],
    ['a claim too early', '01', 5, CLAIM_TOO_EARLY],
    ['a claim for an epoch whose record was replaced', '11', 14, CLAIM_OTHER_EPOCH],
  ])('%s (scenario %s, step %d)', async (_what, prefix, step, expected) => {
    expect(block(await explain([file(prefix)]), step)).toBe(expected);
  });

  test('a cross-epoch payout to a host whose record was replaced by a newer epoch is paid at once', async () => {
    const text = [
      'name: replaced',
      'params: { epoch_reward: 100 gonka }',
      'accounts: { alice: 10 gonka }',
      'participants: { h1: { weight: 1 } }',
      'events:',
      '  - start_epoch',
      '  - create_escrow: { creator: alice, amount: 5 gonka, slots: [h1] }',
      '  - end_epoch',
      '  - start_epoch',
      '  - end_epoch',
      '  - settle_escrow: { escrow: 1, hosts: [{ slot: 0, cost: 1 gonka }] }',
    ].join('\n');
    const out = block(await explain(['r.yaml'], { 'r.yaml': text }), 6);
    expect(out).toContain(
      [
        '  - h1 was not punished in epoch 1 (reward 100 gonka), but its settle amount is',
        '    now the one of epoch 2 (the epoch-1 record was replaced), so its 1 gonka',
        '    cannot wait there: it is paid at once by bank (subnet_escrow_payment) and',
        '    added to its epoch-1 summary.',
      ].join('\n'),
    );
    expect(out).toContain('  inference → h1     1  subnet_escrow_payment');
  });

  test('a host excluded in the escrow epoch counts as punished in a cross-epoch settlement', async () => {
    const text = [
      'name: excluded',
      'params: { epoch_reward: 100 gonka }',
      'accounts: { alice: 10 gonka }',
      'participants: { h1: { weight: 1 }, h2: { weight: 1 } }',
      'events:',
      '  - start_epoch',
      '  - create_escrow: { creator: alice, amount: 5 gonka, slots: [h1, h2] }',
      '  - exclude_participant: { participant: h2, reason: inactive }',
      '  - end_epoch',
      '  - start_epoch',
      '  - settle_escrow: { escrow: 1, hosts: [{ slot: 0, cost: 1 gonka }, { slot: 1, cost: 1 gonka }] }',
    ].join('\n');
    expect(block(await explain(['x.yaml'], { 'x.yaml': text }), 6)).toContain(
      [
        '  - h2 was excluded in epoch 1, so its epoch-1 reward is 0: it counts as',
        '    punished. It is not paid: with skipped_payout: refund its 1 gonka stays with',
        '    the creator, in the refund.',
      ].join('\n'),
    );
  });

  test('a failed checkpoint names each field; an unexpected failure and an invariant violation are explained', async () => {
    const r = await runCli(['explain', file('01'), '--rules', 'immediate', '--no-color']);
    expect(r.code).toBe(1);
    expect(block(r.stdout, 4)).toBe(
      [
        '── Step 4 · line 28 · expect ───────────────────────────────────────────────────',
        'Checkpoint: the scenario compares 10 fields with the state here (bank,',
        'participants, escrows, surplus).',
        '✗ 7 of them differ:',
        '  - bank.h1: expected 0 (0 gonka), actual 400000000 (0.4 gonka)',
        '  - bank.h2: expected 0 (0 gonka), actual 300000000 (0.3 gonka)',
        '  - bank.inference: expected 700000000 (0.7 gonka), actual 0 (0 gonka)',
        '  - participants.h1.coin_balance: expected 400000000 (0.4 gonka), actual 0 (0',
        '    gonka)',
        '  - participants.h1.earned_coins: expected 400000000 (0.4 gonka), actual 0 (0',
        '    gonka)',
        '  - participants.h2.coin_balance: expected 300000000 (0.3 gonka), actual 0 (0',
        '    gonka)',
        '  - participants.h2.missed_requests: expected 1, actual 0',
      ].join('\n'),
    );
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('FAILED: 3 checkpoints failed');

    const leak = [
      'name: leak',
      'accounts: { alice: 5 gonka }',
      'participants: { h1: { weight: 1 } }',
      'events:',
      '  - transfer: { from: alice, to: inference, amount: 1 gonka }',
      '  - end_epoch',
    ].join('\n');
    const l = await runCli(['explain', 'leak.yaml', '--no-color'], { files: { 'leak.yaml': leak } });
    expect(l.code).toBe(1);
    expect(block(l.stdout, 1)).toContain(
      [
        '✗ Invariant violated (surplus): bank(inference) 1000000000 ≠ obligations 0',
        '(escrows 0 + owed coin balances 0 + settle amounts 0): coins with no owner,',
        'surplus 1000000000',
      ].join('\n'),
    );
    expect(block(l.stdout, 2)).toBe(
      [
        '── Step 2 · line 6 · end_epoch ─────────────────────────────────────────────────',
        'End the running epoch (none has started yet).',
        '',
        '✗ The transaction failed: no epoch to end',
        'No epoch has started yet, so there is none to end.',
        'Nothing changed: a failed transaction leaves the state exactly as it was.',
        '✗ Not as the scenario expects: unexpected error: no epoch to end',
      ].join('\n'),
    );
  });

  test('the whole narrative starts with the description, the rules, the params and genesis, and ends with the verdict', async () => {
    const out = await explain([file('05')]);
    expect(out.split('\n').slice(0, 15)).toEqual([
      "A host punished in the escrow's epoch - its share goes back to the creator",
      'scenarios/05-punished-host-refund.yaml · rules: deferred',
      '',
      'h2 failed the downtime test of epoch 1 (end_epoch punish), so its epoch-1 reward',
      'is 0. When the epoch-1 escrow is settled in epoch 2, h2 counts as punished in',
      'epoch 1 and is not paid. With params.skipped_payout: refund (the default) its',
      'share stays with the creator: it is part of the refund. Nothing is silently',
      'dropped.',
      '',
      'Rules: deferred — hosts are credited on their ledger and claim after the epoch',
      'ends (PR #1000 as settled in review).',
      "Params: epoch_reward 1,000 gonka; the rest are the chain's defaults.",
      'Genesis: accounts alice 20 gonka; participants h1 (weight 100), h2 (weight 100)',
      'and h3 (weight 100). No epoch has started yet (epoch 0).',
      '',
    ]);
    expect(out.endsWith('── Result ──────────────────────────────────────────────────────────────────────\nOK: 6 events, 2 checkpoints, invariants hold\n')).toBe(true);
  });
});

describe('--step', () => {
  test('one step with the full state before and after it', async () => {
    const r = await runCli(['explain', file('03'), '--step', '5', '--no-color']);
    expect(r).toEqual({ code: 0, stdout: STEP_5, stderr: '' });
  });

  test('a checkpoint shows the one state it compares', async () => {
    const out = await explain([file('03'), '--step', '6']);
    expect(out).toContain('── State at step 6 ──');
    expect(out).not.toContain('State before');
    expect(out).toContain('✓ All of them hold.');
  });

  test('out of range is an input error: exit 2, a clear message, nothing on stdout', async () => {
    expect(await runCli(['explain', file('03'), '--step', '10'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'epochsim: --step 10 is out of range: scenarios/03-cross-epoch-unclaimed.yaml has steps 1 to 9\n',
    });
    const zero = await runCli(['explain', file('03'), '--step', '0']);
    expect(zero.code).toBe(2);
    expect(zero.stdout).toBe('');
    expect(zero.stderr).toContain("error: option '--step <n>' argument '0' is invalid. a step number: 1, 2, 3, …");
    expect((await runCli(['explain', file('03'), '--step', 'two'])).code).toBe(2);
  });
});

describe('exit codes, input and colour', () => {
  test('0 for an ok run, 2 for invalid input with nothing on stdout, stdin with -', async () => {
    expect((await runCli(['explain', file('01')])).code).toBe(0);
    const bad = await runCli(['explain', 'bad.yaml'], { files: { 'bad.yaml': BAD_SCENARIO } });
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain('2 errors in bad.yaml; nothing was run');
    const stdin = await runCli(['explain', '-', '--step', '3', '--no-color'], { stdin: readFileSync(file('01'), 'utf8') });
    expect(stdin.code).toBe(0);
    expect(stdin.stdout.split('\n')[1]).toBe('<stdin> · rules: deferred · step 3 of 10');
  });

  test('colour only on a terminal', async () => {
    const esc = '\u001b[';
    expect((await runCli(['explain', file('01')], { tty: true })).stdout).toContain(esc);
    expect((await runCli(['explain', file('01')], { tty: false })).stdout).not.toContain(esc);
    expect((await runCli(['explain', file('01'), '--no-color'], { tty: true })).stdout).not.toContain(esc);
  });

  test('--help has a real example', async () => {
    const help = await runCli(['explain', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('$ epochsim explain scenarios/03-cross-epoch-unclaimed.yaml --step 5');
  });
});

describe('every bundled scenario', () => {
  test.each(SCENARIOS)('%s: no line is longer than 80 columns, for every --step and for the whole story under every ruleset', async (f) => {
    const loaded = loadScenario(readFileSync(f, 'utf8'), f);
    if (!loaded.ok) throw new Error('invalid scenario');
    const outputs = [await explain([f])];
    for (const rules of RULE_NAMES) outputs.push(await explain([f, '--rules', rules]));
    for (let n = 1; n <= loaded.scenario.items.length; n++) outputs.push(await explain([f, '--step', String(n)]));
    const long = outputs.flatMap((o) => o.split('\n')).filter((line) => [...line].length > 80);
    expect(long).toEqual([]);
  });

  /** Each account's liquid, owed, claimable and devshard-escrowed coins, read here from the state, apart from the renderer. */
  function bucketsOf(state: ChainState, world: World, name: string): [bigint, bigint, bigint, bigint] {
    const p = participantOf(state, world, name);
    let escrowed = 0n;
    vecForEach(state.escrows, (e) => {
      if (!e.settled && e.creator === name) escrowed += e.amount;
    });
    const claimable = p?.settle ? p.settle.workCoins + p.settle.rewardCoins : 0n;
    return [balanceOf(state, world, name), p?.coinBalance ?? 0n, claimable, escrowed];
  }

  test.each(SCENARIOS)('%s: after every step the four buckets add up, per account and over all accounts, under every ruleset', (f) => {
    const loaded = loadScenario(readFileSync(f, 'utf8'), f);
    if (!loaded.ok) throw new Error('invalid scenario');
    for (const rules of RULE_NAMES) {
      const r = replay(loaded.scenario, rules);
      const world = r.run.world;
      let surplus = 0n; // as the last event left it: a checkpoint changes nothing
      r.views.forEach((view: StepView) => {
        const state = view.kind === 'event' ? view.after : view.state;
        if (view.kind === 'event') surplus = view.surplus;
        // The surplus is what the known divergences of a chain version leave (0 under deferred and immediate).
        const known = r.run.divergences.filter((d) => d.step <= view.item.index).reduce((a, d) => a + d.amount, 0n);
        if (r.run.violations.length === 0) expect(surplus).toBe(known);
        const rows = accountHoldings(state, world);
        // the module accounts back the others' buckets: they are not rows
        expect(rows.map((row) => row.name)).toEqual(world.accounts.filter((a) => a !== 'inference' && a !== 'streamvesting'));
        for (const { name, holdings: h } of rows) {
          const [liquid, owed, claimable, devshard] = bucketsOf(state, world, name);
          expect([h.liquid, h.owed, h.claimable]).toEqual([liquid, owed, claimable]);
          // escrowed: its unsettled devshard escrows, and any on-chain inference escrow it still has locked.
          expect(h.escrowed >= devshard).toBe(true);
          expect(h.liquid + h.owed + h.claimable + h.escrowed + h.vesting).toBe(h.total);
        }
        const all = sumHoldings(rows);
        // Everyone's coins are the supply; the inference module holds exactly what it owes them.
        expect(all.total).toBe(state.genesisSupply + state.minted - state.burned - surplus);
        expect(all.owed + all.claimable + all.escrowed).toBe(balanceOf(state, world, 'inference') - surplus);
        expect(all.vesting).toBe(world.vestingIndex < 0 ? 0n : balanceOf(state, world, 'streamvesting'));
      });
    }
  });

  /** ngonka from a table cell in `unit`: "1,000.7" gonka → 1000700000000n, "-0.5" gonka → -500000000n (a debt). */
  function parseAmount(cell: string, unit: string): bigint {
    const negative = cell.startsWith('-');
    const [whole = '0', frac = ''] = cell.replace(/^-/, '').replaceAll(',', '').split('.');
    const abs = unit === 'ngonka' ? BigInt(whole) : BigInt(whole) * 1_000_000_000n + BigInt(frac.padEnd(9, '0'));
    return negative ? -abs : abs;
  }

  test('parseAmount keeps the sign of a debt, in either unit', () => {
    expect(parseAmount('-0.5', 'gonka')).toBe(-500_000_000n);
    expect(parseAmount('-1,000.25', 'gonka')).toBe(-1_000_250_000_000n);
    expect(parseAmount('-66', 'ngonka')).toBe(-66n);
    expect(parseAmount('1,000.7', 'gonka')).toBe(1_000_700_000_000n);
  });

  test.each(SCENARIOS.flatMap((f) => RULE_NAMES.map((rules) => [f, rules] as const)))(
    '%s under %s: every holdings table in the text adds up and shows the state after its step',
    async (f, rules) => {
      const loaded = loadScenario(readFileSync(f, 'utf8'), f);
      if (!loaded.ok) throw new Error('invalid scenario');
      const r = replay(loaded.scenario, rules);
      const world = r.run.world;
      const lines = (await explain([f, '--rules', rules])).split('\n');
      let tables = 0;
      lines.forEach((line, i) => {
        const m = /^Holdings after step (\d+) \((gonka|ngonka)\)$/.exec(line);
        if (!m) return;
        tables += 1;
        const step = Number(m[1]);
        const unit = m[2] as string;
        const view = r.views[step - 1] as StepView;
        const state = view.kind === 'event' ? view.after : view.state;
        const head = (lines[i + 1] ?? '').trim().split(/\s{2,}/);
        expect(head[0]).toBe('account');
        for (let k = i + 2; (lines[k] ?? '').startsWith('  ') && !(lines[k] ?? '').startsWith('  ('); k++) {
          const cells = (lines[k] ?? '').trim().split(/\s{2,}/);
          const name = cells[0] as string;
          const value = (column: string): bigint => {
            const at = head.indexOf(column);
            return at < 0 ? 0n : parseAmount(cells[at] as string, unit);
          };
          const [liquid, owed, claimable, escrowed, vesting] = ['liquid', 'owed', 'claimable', 'escrowed', 'vesting'].map(value) as [bigint, bigint, bigint, bigint, bigint];
          expect(liquid + owed + claimable + escrowed + vesting).toBe(value('total'));
          if (name !== 'all accounts') {
            const [l, o, c, devshard] = bucketsOf(state, world, name);
            expect([liquid, owed, claimable]).toEqual([l, o, c]);
            expect(escrowed >= devshard).toBe(true);
          }
        }
      });
      // One table for each step that moved someone's coins between buckets or accounts.
      const moved = r.views.filter(
        (v) =>
          v.kind === 'event' &&
          world.accounts.some((a) => {
            if (a === 'inference' || a === 'streamvesting') return false;
            const [b, c] = [holdingsOf(v.before, world).get(a), holdingsOf(v.after, world).get(a)];
            return [b?.liquid, b?.owed, b?.claimable, b?.escrowed, b?.vesting].join() !== [c?.liquid, c?.owed, c?.claimable, c?.escrowed, c?.vesting].join();
          }),
      ).length;
      expect(moved).toBeGreaterThan(0);
      expect(tables).toBe(moved);
    },
  );
});
