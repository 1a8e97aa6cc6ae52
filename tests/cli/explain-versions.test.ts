/**
 * `epochsim explain` for the chain versions, the inference lifecycle and the chain's reward
 * math: one exact block for each version's settlement rule (trapped payout, fees kept, fees
 * ignored, forfeit to governance, nonce-derived stats), pruning, each lifecycle message,
 * validation sharing and debt, power capping and the downtime test; the known divergences at the
 * end of the narrative; claims the module cannot pay; the lifetime cap crossing.
 */
import { block, explain, file, section } from './narrative.js';

const PR1000_TRAPPED = `── Step 5 · line 30 · settle_escrow ────────────────────────────────────────────
alice settles escrow 1 (1,000 ngonka of epoch 1, slots h1, h1, h2, h3, ghost)
with fees of 500 ngonka and 5 host entries.
Note: h1 200, h2 100 and h3 100 go to the current ledgers; ghost's 100 are
      counted but credited to no one.

Escrow 1 is from epoch 1 and the chain is in epoch 2. Under the pr-1000 rules
(PR #1000 as coded) each host's current ledger is credited (coin_balance and
earned_coins) whatever the escrow's epoch — there is no same- or cross-epoch
rule and no punishment check — so the payouts are paid with the settle amounts
of epoch 2, not added to those of epoch 1. Each host is looked up with
GetParticipant, which finds every registered participant whatever its status or
active set; only an address with no participant record is "not found".
Fees: 500 ngonka over 5 slots is 100 ngonka per host entry, with no remainder.
    slot 0 (h1): 0 cost + 100 fees = 100 ngonka
    slot 1 (h1): 0 cost + 100 fees = 100 ngonka
    slot 2 (h2): 0 cost + 100 fees = 100 ngonka
    slot 3 (h3): 0 cost + 100 fees = 100 ngonka
    slot 4 (ghost): 0 cost + 100 fees = 100 ngonka
  - h1 is a registered participant, so it is found: its 200 ngonka (slots 0 and
    1) are credited to its current ledger, to be paid with its epoch-2 settle
    amount.
  - h2 is a registered participant, so it is found: its 100 ngonka are credited
    to its current ledger, to be paid with its epoch-2 settle amount.
  - h3 is a registered participant, so it is found: its 100 ngonka are credited
    to its current ledger, owed until an epoch in which it is an ACTIVE member
    (it is not in epoch 2).
  - Under pr-1000, ghost is not found (it has no participant record): its 100
    ngonka were counted in totalPayout before the lookup, so alice's refund is
    100 ngonka short and the coins stay in the module with no owner — the PR
    #1000 review's must-fix; known divergence.
  - alice gets back 500 ngonka: the 1,000 ngonka locked minus 400 ngonka for the
    hosts and 100 ngonka counted for ghost and credited to no one
    (subnet_escrow_refund).
  - Escrow 1 is now settled; the host stats of epoch 1 add every entry and count
    the escrow once per host.
Known divergence of pr-1000: 100 ngonka stay in the inference module with no
owner (source: gonka-ai/gonka PR #1000 review, must-fix: totalPayout is counted
before the participant lookup). A finding about that chain version, not a
violation.

Transfers (ngonka)
  inference → alice  500  subnet_escrow_refund

Changes (before → after)
  bank.inference                1,300 → 800 ngonka
  bank.alice                    9,000 → 9,500 ngonka
  participants.h1.coin_balance  0 → 200 ngonka
  participants.h1.earned_coins  0 → 200 ngonka
  participants.h2.coin_balance  0 → 100 ngonka
  participants.h2.earned_coins  0 → 100 ngonka
  participants.h3.coin_balance  0 → 100 ngonka
  participants.h3.earned_coins  0 → 100 ngonka
  escrows.1.settled             false → true
  host_stats.1.h1               none → cost 0 gonka, 1 escrow
  host_stats.1.h2               none → cost 0 gonka, 1 escrow
  host_stats.1.h3               none → cost 0 gonka, 1 escrow

Holdings after step 5 (ngonka)
  account       liquid  owed  claimable  escrowed   total
  alice          9,500     0          0         0   9,500
  h1                 0   200        100         0     300
  h2                 0   100        100         0     200
  h3                 0   100        100         0     200
  all accounts   9,500   400        300         0  10,200`;

const FEES_KEPT = `── Step 3 · line 23 · settle_escrow ────────────────────────────────────────────
alice settles escrow 1 (1,000 ngonka of epoch 1, slots h1, h1, h2, h3) with fees
of 403 ngonka and 4 host entries.
Note: Hosts get their costs (h1 150, h2 100, h3 100); alice gets 1000 - (350 +
      403) = 247.

Escrow 1 is from epoch 1 and the chain is in epoch 1. Under the fees-kept rules
(FEESTAY) there is no epoch window — an escrow can be settled until it is
pruned, when epoch 3 starts — and every host is paid by bank at once.
Fees: under fees-kept the 403 ngonka of fees count against the escrow (costs +
fees ≤ amount) but are paid to no one: each host entry is owed its cost only.
    slot 0 (h1): 100 ngonka cost
    slot 1 (h1): 50 ngonka cost
    slot 2 (h2): 100 ngonka cost
    slot 3 (h3): 100 ngonka cost
  - h1 is paid 150 ngonka (slots 0 and 1) at once by bank
    (subnet_escrow_payment).
  - h2 is paid 100 ngonka at once by bank (subnet_escrow_payment).
  - h3 is paid 100 ngonka at once by bank (subnet_escrow_payment).
  - alice gets back 247 ngonka: the 1,000 ngonka locked minus 350 ngonka for the
    hosts and the 403 ngonka of fees, which stay in the module
    (subnet_escrow_refund).
  - Escrow 1 is now settled; the host stats of epoch 1 add every entry and count
    the escrow once per host.
Known divergence of fees-kept: 403 ngonka stay in the inference module with no
owner (source: FEESTAY (gonka-ai/gonka f9d5d01): the refund is amount − (payouts
+ fees), so the fees have no owner; fixed by the per-slot fee split). A finding
about that chain version, not a violation.

Transfers (ngonka)
  inference → h1     150  subnet_escrow_payment
  inference → h2     100  subnet_escrow_payment
  inference → h3     100  subnet_escrow_payment
  inference → alice  247  subnet_escrow_refund

Changes (before → after)
  bank.inference     1,000 → 403 ngonka
  bank.alice         9,000 → 9,247 ngonka
  bank.h1            0 → 150 ngonka
  bank.h2            0 → 100 ngonka
  bank.h3            0 → 100 ngonka
  escrows.1.settled  false → true
  host_stats.1.h1    none → cost 150 ngonka, 1 escrow
  host_stats.1.h2    none → cost 100 ngonka, 1 escrow
  host_stats.1.h3    none → cost 100 ngonka, 1 escrow

Holdings after step 3 (ngonka)
  account       liquid  owed  claimable  escrowed  total
  alice          9,247     0          0         0  9,247
  h1               150     0          0         0    150
  h2               100     0          0         0    100
  h3               100     0          0         0    100
  all accounts   9,597     0          0         0  9,597`;

const V0211_FEES_IGNORED = `── Step 3 · line 24 · settle_escrow ────────────────────────────────────────────
alice settles escrow 1 (1,000 ngonka of epoch 1, slots h1, h1, h2, h3) with fees
of 403 ngonka and 4 host entries.
Note: No fees in v0.2.11 - h1 is paid 150, h2 100, h3 100 at once; alice gets
      650 back.

Escrow 1 is from epoch 1 and the chain is in epoch 1. Under the v0.2.11 rules
(V0211, the first subnet escrow) there is no epoch window — an escrow can be
settled until it is pruned, when epoch 3 starts — and every host is paid by bank
at once.
Fees: the v0.2.11 message has no fees field, so the 403 ngonka of fees written
here are not part of the settlement: each host entry is owed its cost, and the
fees stay with alice (in the refund).
    slot 0 (h1): 100 ngonka cost
    slot 1 (h1): 50 ngonka cost
    slot 2 (h2): 100 ngonka cost
    slot 3 (h3): 100 ngonka cost
  - h1 is paid 150 ngonka (slots 0 and 1) at once by bank
    (subnet_escrow_payment).
  - h2 is paid 100 ngonka at once by bank (subnet_escrow_payment).
  - h3 is paid 100 ngonka at once by bank (subnet_escrow_payment).
  - alice gets back 650 ngonka: the 1,000 ngonka locked minus 350 ngonka for the
    hosts (subnet_escrow_refund).
  - Escrow 1 is now settled; the host stats of epoch 1 add every entry and count
    the escrow once per host.

Transfers (ngonka)
  inference → h1     150  subnet_escrow_payment
  inference → h2     100  subnet_escrow_payment
  inference → h3     100  subnet_escrow_payment
  inference → alice  650  subnet_escrow_refund

Changes (before → after)
  bank.inference     1,000 → 0 ngonka
  bank.alice         9,000 → 9,650 ngonka
  bank.h1            0 → 150 ngonka
  bank.h2            0 → 100 ngonka
  bank.h3            0 → 100 ngonka
  escrows.1.settled  false → true
  host_stats.1.h1    none → cost 150 ngonka, 1 escrow
  host_stats.1.h2    none → cost 100 ngonka, 1 escrow
  host_stats.1.h3    none → cost 100 ngonka, 1 escrow

Holdings after step 3 (ngonka)
  account       liquid  owed  claimable  escrowed   total
  alice          9,650     0          0         0   9,650
  h1               150     0          0         0     150
  h2               100     0          0         0     100
  h3               100     0          0         0     100
  all accounts  10,000     0          0         0  10,000`;

const V0211_WRAPPED_SUM = `── Step 6 · line 37 · settle_escrow ────────────────────────────────────────────
alice settles escrow 2 (1,000 ngonka of epoch 1, slots h1, h2) with no fees and
2 host entries.
Note: (2^64 - 1) + 5000 wraps to 4999.

✗ The transaction failed, as the scenario expects: total cost 4999 exceeds
escrow amount 1000
v0.2.11 adds the costs without an overflow check, in a uint64 that wraps at
2^64: 18,446,744,073,709,551,615 + 5,000 ngonka wraps around to 4,999 ngonka,
which is still more than the 1,000 ngonka the escrow holds.
Nothing changed: a failed transaction leaves the state exactly as it was.`;

const NEWEST_FORFEIT = `── Step 10 · line 45 · settle_escrow ───────────────────────────────────────────
alice settles escrow 2 (1,000 ngonka of epoch 1, slots h1, h2) with no fees and
2 host entries.
Note: Epoch 1 is already settled - h1 is paid directly; h2's 50 go to governance
      in one transfer.

Escrow 2 is from epoch 1 and the chain is in epoch 1, which has already been
settled. Under the newest rules (NEWEST) each host's payout is decided on its
own: it is credited to the host's ledger only when the escrow's epoch is the
effective one and the host is in its active set, and that epoch is not yet
settled; every other payout is paid at once by bank (devshard_escrow_payment).
There is no punishment check, but a host excluded in epoch 1 gets nothing: its
payout goes to governance.
There are no fees: each host entry is owed its cost.
    slot 0 (h1): 50 ngonka cost
    slot 1 (h2): 50 ngonka cost
  - h1 is owed 50 ngonka; epoch 1 has already been settled (h1 has its epoch-1
    summary), so newest pays it directly, at once by bank
    (devshard_escrow_payment), instead of crediting a ledger.
  - h2 was excluded in epoch 1 as INVALID at step 7, so under newest it gets
    nothing: its 50 ngonka go to governance in the settlement's one forfeit
    transfer (forfeited_work_coins_to_governance:epoch=1) and count as paid out,
    so alice's refund does not change.
  - alice gets back 900 ngonka: the 1,000 ngonka locked minus 50 ngonka for the
    hosts and 50 ngonka sent to governance (devshard_escrow_refund).
  - Escrow 2 is now settled; the host stats of epoch 1 add every entry and count
    the escrow once per host.

Transfers (ngonka)
  inference → gov     50  forfeited_work_coins_to_governance:epoch=1
  inference → h1      50  devshard_escrow_payment
  inference → alice  900  devshard_escrow_refund

Changes (before → after)
  bank.inference     2,503 → 1,503 ngonka
  bank.gov           201 → 251 ngonka
  bank.alice         8,597 → 9,497 ngonka
  bank.h1            0 → 50 ngonka
  escrows.2.settled  false → true
  host_stats.1.h1    cost 0, escrows 1 → cost 50 ngonka, escrows 2
  host_stats.1.h2    cost 0, escrows 1 → cost 50 ngonka, escrows 2

Holdings after step 10 (ngonka)
  account       liquid  owed  claimable  escrowed   total
  gov              251     0          0         0     251
  alice          9,497     0          0         0   9,497
  h1                50     0        302         0     352
  all accounts  18,797     0        502     1,001  20,300`;

const V0212_NONCE = `── Step 4 · line 28 · settle_escrow ────────────────────────────────────────────
alice settles escrow 1 (1,000 ngonka of epoch 1, slots h1, h1, h2, h2) with no
fees and 4 host entries, nonce 20.

Escrow 1 is from epoch 1 and the chain is in epoch 1. Under the v0.2.12 rules
(V0212) each host's payout is decided on its own: it is credited to the host's
ledger only when the escrow's epoch is the effective one and the host is in its
active set; every other payout is paid at once by bank
(devshard_escrow_payment). There is no punishment check.
There are no fees: each host entry is owed its cost.
    slot 0 (h1): 100 ngonka cost; missed 1, invalid 2, assigned 5 by the nonce
    slot 1 (h1): 100 ngonka cost; invalid 1, assigned 5 by the nonce
    slot 2 (h2): 100 ngonka cost; missed 2, assigned 5 by the nonce
    slot 3 (h2): 100 ngonka cost; missed 1, invalid 1, assigned 5 by the nonce
  - h1 is in the active set of epoch 1, the escrow's own epoch: its 200 ngonka
    (slots 0 and 1) are credited to its ledger, to be paid with its epoch-1
    settle amount.
  - h2 is in the active set of epoch 1, the escrow's own epoch: its 200 ngonka
    (slots 2 and 3) are credited to its ledger, to be paid with its epoch-1
    settle amount.
  - h1 and h2 are credited in their own epoch, so their entries are merged into
    their current epoch stats: missed and invalid as given, inference_count +
    (assigned − missed) and validated_inferences + (assigned − missed −
    invalid).
  - alice gets back 600 ngonka: the 1,000 ngonka locked minus 400 ngonka for the
    hosts (devshard_escrow_refund).
  - Escrow 1 is now settled; the host stats of epoch 1 add every entry and count
    the escrow once per host.

Transfers (ngonka)
  inference → alice  600  devshard_escrow_refund

Changes (before → after)
  bank.inference                    1,000 → 400 ngonka
  bank.alice                        9,000 → 9,600 ngonka
  participants.h1.coin_balance      0 → 200 ngonka
  participants.h1.earned_coins      0 → 200 ngonka
  participants.h1.inference_count   0 → 9
  participants.h1.missed_requests   0 → 1
  participants.h1.invalidated_inferences
      0 → 3
  participants.h2.coin_balance      0 → 200 ngonka
  participants.h2.earned_coins      0 → 200 ngonka
  participants.h2.inference_count   0 → 7
  participants.h2.missed_requests   0 → 3
  participants.h2.invalidated_inferences
      0 → 1
  escrows.1.settled                 false → true
  host_stats.1.h1                   none → cost 200 ngonka, 1 escrow, missed 1,
                                    invalid 3
  host_stats.1.h2                   none → cost 200 ngonka, 1 escrow, missed 3,
                                    invalid 1

Holdings after step 4 (ngonka)
  account       liquid  owed  claimable  escrowed   total
  alice          9,600     0          0         0   9,600
  h1                 0   200          0         0     200
  h2                 0   200          0         0     200
  all accounts  19,600   400          0         0  20,000`;

const PRUNED_PER_HOST = `── Step 18 · line 74 · start_epoch ─────────────────────────────────────────────
Start epoch 3 with every participant in its active set.
Note: Epoch 3 prunes epoch 1 - escrow 3 (1001 ngonka, 2 unique hosts) gives h1
      and h2 500 each.

Epoch 3 starts. Its active set: h1 (weight 100), h2 (weight 100) and h3 (weight
100); total weight 300.
The settle amounts of epoch 2 (h1, h2 and h3) can be claimed now, during epoch 3
only.
Epoch 3 starts, so v0.2.11 prunes the escrows of epoch 1 (the chain deletes a
devshard escrow when the effective epoch reaches its epoch + 2), with their host
stats. Settled escrows 1 and 2 are simply deleted: a later settle_escrow would
fail with "escrow 1 not found".
  - Escrow 3 (1,001 ngonka from alice, slots h1, h1, h2) was never settled:
    v0.2.11 shares it per unique host: floor(1,001 ngonka / 2 hosts) = 500
    ngonka each to h1 and h2 (subnet_escrow_unsettled_distribution). alice gets
    nothing back, and the remainder, 1 ngonka, stays in the inference module
    with no owner — a known divergence (PR #1357, closed, proposed refunding the
    creator).
Known divergence of v0.2.11: 1 ngonka stays in the inference module with no
owner (source: unsettled-escrow pruning (subnet_pruning.go /
devshard_pruning.go): integer division, the remainder stays in the module; PR
#1357 (closed) proposed a creator refund). A finding about that chain version,
not a violation.

Transfers (ngonka)
  inference → h1  500  subnet_escrow_unsettled_distribution
  inference → h2  500  subnet_escrow_unsettled_distribution

Changes (before → after)
  epoch           2 → 3
  bank.inference  1,301 → 301 ngonka
  bank.h1         260 → 760 ngonka
  bank.h2         220 → 720 ngonka
  escrows.1       alice, 1,000 ngonka, epoch 1, slots h1, h1, h2, h3, settled →
                  none
  escrows.2       alice, 1,000 ngonka, epoch 1, slots h1, h2, settled → none
  escrows.3       alice, 1,001 ngonka, epoch 1, slots h1, h1, h2, open → none
  host_stats.1    h1, h2, h3 → none

Holdings after step 18 (ngonka)
  account       liquid  owed  claimable  escrowed   total
  alice          8,619     0          0         0   8,619
  h1               760     0        100         0     860
  h2               720     0        100         0     820
  all accounts  10,299     0        300         0  10,599`;

const PRUNED_PER_SLOT = `── Step 16 · line 61 · start_epoch ─────────────────────────────────────────────
Start epoch 3 with every participant in its active set.
Note: Epoch 3 prunes bob's escrow 3 per slot - 250 a slot, h1 holds two.

Epoch 3 starts. Its active set: h1 (weight 100), h2 (weight 100) and h3 (weight
100); total weight 300.
The settle amounts of epoch 2 (h1, h2 and h3) can be claimed now, during epoch 3
only.
Epoch 3 starts, so newest prunes the escrows of epoch 1 (the chain deletes a
devshard escrow when the effective epoch reaches its epoch + 2), with their host
stats. Settled escrows 1 and 2 are simply deleted: a later settle_escrow would
fail with "escrow 1 not found".
  - Escrow 3 (1,001 ngonka from bob, slots h1, h1, h2, h3) was never settled:
    newest shares it per slot: floor(1,001 ngonka / 4 slots) = 250 ngonka a
    slot, so h1 (2 slots) gets 500 ngonka, h2 250 ngonka and h3 250 ngonka
    (devshard_escrow_unsettled_distribution). bob gets nothing back, and the
    remainder, 1 ngonka, stays in the inference module with no owner — a known
    divergence (PR #1357, closed, proposed refunding the creator).
Known divergence of newest: 1 ngonka stays in the inference module with no owner
(source: unsettled-escrow pruning (subnet_pruning.go / devshard_pruning.go):
integer division, the remainder stays in the module; PR #1357 (closed) proposed
a creator refund). A finding about that chain version, not a violation.

Transfers (ngonka)
  inference → h1  500  devshard_escrow_unsettled_distribution
  inference → h2  250  devshard_escrow_unsettled_distribution
  inference → h3  250  devshard_escrow_unsettled_distribution

Changes (before → after)
  epoch           2 → 3
  bank.inference  1,301 → 301 ngonka
  bank.h1         352 → 852 ngonka
  bank.h2         0 → 250 ngonka
  bank.h3         200 → 450 ngonka
  escrows.1       alice, 1,000 ngonka, epoch 1, slots h1, h1, h2, h3, settled →
                  none
  escrows.2       alice, 1,000 ngonka, epoch 1, slots h1, h2, settled → none
  escrows.3       bob, 1,001 ngonka, epoch 1, slots h1, h1, h2, h3, open → none
  host_stats.1    h1, h2, h3 → none

Holdings after step 16 (ngonka)
  account       liquid  owed  claimable  escrowed   total
  bob            8,999     0          0         0   8,999
  h1               852     0        100         0     952
  h2               250     0        100         0     350
  h3               450     0        100         0     550
  all accounts  20,299     0        300         0  20,599`;

const STRANDED = `── Step 8 · line 39 · end_epoch ────────────────────────────────────────────────
End epoch 1: settle its accounts; the chain's downtime test decides who is
punished.
Note: h2 gets no reward (100 to governance) and its 20 ngonka of work are
      zeroed, not sent anywhere.

Epoch 1 is settled. Its reward pool F is 300 ngonka (params.epoch_reward). F is
minted into the inference module (reward_distribution) and shared by weight over
the whole active set (W = 300): each ACTIVE, unpunished member with weight gets
floor(weight × F / W).
Power capping: 2 members hold weight, so no one may count for more than 50% of
the effective weight; no weight is above its share, so nothing is capped.
The chain's downtime test decides who is punished (it runs at every settlement
of the chain versions; params.downtime_test). p0 is governance's binom_test_p0,
0.1, rounded up to the chain's table (5, 10, 20, 30, 40, 50%): 10%. A member
with requests (inferences + missed) passes when its misses are within the
chain's critical value for its requests (the table rows are 2–10, then every 10
up to 990; the requests are rounded down to a row):
  - h1: no requests → not tested.
  - h2: 1 inference + 0 missed = 1 request; below the table's first row (2
    requests) a member always passes → passes.
  - h3: no requests → not tested.
Then each member is settled:
  - h1 (weight 100 of 300): reward 100 ngonka; no work coins → settle amount for
    epoch 1: 100 ngonka, claimable during epoch 2.
  - h2 (weight 100 of 300): status INVALID, not ACTIVE: reward 0; its 20 ngonka
    of owed work coins are zeroed and stay in the inference module with no owner
    (gonka-ai/gonka #1746: a known divergence) → nothing to settle, so no settle
    amount is written.
  - h3 (weight 100 of 300): reward 100 ngonka; no work coins → settle amount for
    epoch 1: 100 ngonka, claimable during epoch 2.
  - Rewards come to 200 ngonka; the rest of F, 100 ngonka, goes to governance
    (bitcoin_reward_to_governance:epoch=1).
Epoch 1 has now ended but stays the effective epoch until the next start_epoch;
its settle amounts can be claimed only during epoch 2.
Known divergence of fees-split: 20 ngonka stay in the inference module with no
owner (source: gonka-ai/gonka #1746: a non-ACTIVE participant's work coins are
zeroed at settlement without moving the coins). A finding about that chain
version, not a violation.

Transfers (ngonka)
  (mint) → inference  300  reward_distribution
  inference → gov     100  bitcoin_reward_to_governance:epoch=1

Changes (before → after)
  ended                            [] → [1]
  bank.inference                   20 → 220 ngonka
  bank.gov                         0 → 100 ngonka
  participants.h2.coin_balance     20 → 0 ngonka
  participants.h2.earned_coins     20 → 0 ngonka
  participants.h2.inference_count  1 → 0
  settle_amounts.h1                none → epoch 1, work 0, reward 100 ngonka
  settle_amounts.h3                none → epoch 1, work 0, reward 100 ngonka
  summaries.1.h1                   none → earned 0, rewarded 100 ngonka, not
                                   claimed
  summaries.1.h2                   none → earned 0, rewarded 0 gonka, 1
                                   inference, not claimed
  summaries.1.h3                   none → earned 0, rewarded 100 ngonka, not
                                   claimed
  supply.minted                    0 → 300 ngonka

Holdings after step 8 (ngonka)
  account       liquid  owed  claimable  escrowed   total
  gov              100     0          0         0     100
  h1               202     0        100         0     302
  h2               101     0          0         0     101
  h3               100     0        100         0     200
  all accounts  10,080     0        200         0  10,280`;

const START_ESCROWS = `── Step 2 · line 19 · start_inference ──────────────────────────────────────────
dev starts inference a with h1 as executor: 100 prompt tokens, max_tokens not
set (the chain's default, 5,000), at 1,000 ngonka per token.
Note: Start first - the escrow (5000 + 100) x 1000 = 5100000 ngonka is locked.

Start came first. The escrow, (max_tokens 5,000 + prompt 100) × 1,000 ngonka =
0.0051 gonka (5,100,000 ngonka), moves from dev to the inference module (escrow
for inferenceId:a). It stays locked there, shown as dev's escrowed coins, until
finish_inference pays h1 out of it or the inference expires. Inference a is
STARTED.

Transfers (gonka)
  dev → inference  0.0051  escrow for inferenceId:a

Changes (before → after)
  bank.inference  0 → 0.0051 gonka
  bank.dev        1 → 0.9949 gonka
  inferences.a    none → STARTED, requester dev, executor h1, escrow 0.0051
                  gonka

Holdings after step 2 (gonka)
  account       liquid  owed  claimable  escrowed  total
  dev           0.9949     0          0    0.0051      1
  all accounts  0.9949     0          0    0.0051      1`;

const FINISH_PAYS = `── Step 4 · line 26 · finish_inference ─────────────────────────────────────────
h1 reports inference a finished: 200 completion tokens (the prompt count, 100,
is start's).
Note: Cost (100 + 200) x 1000 = 300000 to h1's ledger, 4800000 back to dev.

Start came first (step 2) and holds an escrow of 0.0051 gonka (5,100,000
ngonka). The cost, (prompt 100 + completion 200) × 1,000 ngonka = 300,000
ngonka, is credited to h1's ledger (coin_balance and earned_coins;
inference_count + 1), and the rest of the escrow, 0.0048 gonka (4,800,000
ngonka), is refunded to dev (inference_refund:a). h1 is paid through the settle
amount written when the epoch ends. Inference a is FINISHED, in epoch 1.

Transfers (gonka)
  inference → dev  0.0048  inference_refund:a

Changes (before → after)
  bank.inference                   0.0051 → 0.0003 gonka
  bank.dev                         0.9949 → 0.9997 gonka
  participants.h1.coin_balance     0 → 300,000 ngonka
  participants.h1.earned_coins     0 → 300,000 ngonka
  participants.h1.inference_count  0 → 1
  inferences.a.status              STARTED → FINISHED
  inferences.a.actual_cost         0 → 300,000 ngonka
  inferences.a.epoch               0 → 1

Holdings after step 4 (gonka)
  account       liquid    owed  claimable  escrowed   total
  dev           0.9997       0          0         0  0.9997
  h1                 0  0.0003          0         0  0.0003
  all accounts  0.9997  0.0003          0         0       1`;

const FINISH_FIRST = `── Step 6 · line 32 · finish_inference ─────────────────────────────────────────
h2 reports inference b finished: 100 prompt and 200 completion tokens.
Note: Finish first - the inference is recorded and its price locked; no coins
      move.

Finish came first: inference b is recorded as FINISHED with its tokens and the
price locked now, 1,000 ngonka per token (params.token_price): a cost of (prompt
100 + completion 200) × 1,000 ngonka = 300,000 ngonka. No coins move: the
requester is not known until start_inference, which then pays exactly min(cost,
escrow).

Changes (before → after)
  inferences.b  none → FINISHED, executor h2`;

const START_AFTER_FINISH = `── Step 8 · line 38 · start_inference ──────────────────────────────────────────
dev starts inference b with h2 as executor: 100 prompt tokens, max_tokens not
set (the chain's default, 5,000), at 1,000 ngonka per token.
Note: Start after finish escrows exactly the pay, min(300000, 5100000), and
      credits it; nothing to refund.

Finish came first (step 6) and recorded the tokens and the price, 1,000 ngonka
per token; start now settles the inference at once. h2's pay is min(cost,
escrow): the cost (prompt 100 + completion 200) × 1,000 ngonka = 300,000 ngonka,
the escrow (max_tokens 5,000 + prompt 100) × 1,000 ngonka = 0.0051 gonka
(5,100,000 ngonka). So dev pays exactly 300,000 ngonka (escrow for
inferenceId:b) and h2 is credited with it on its ledger (coin_balance and
earned_coins; inference_count + 1); nothing is left to refund. Inference b is
FINISHED, in epoch 1.

Transfers (ngonka)
  dev → inference  300,000  escrow for inferenceId:b

Changes (before → after)
  bank.inference                   300,000 → 600,000 ngonka
  bank.dev                         0.9997 → 0.9994 gonka
  participants.h2.coin_balance     0 → 300,000 ngonka
  participants.h2.earned_coins     0 → 300,000 ngonka
  participants.h2.inference_count  0 → 1
  inferences.b.requester           none → dev
  inferences.b.escrow              0 → 300,000 ngonka
  inferences.b.actual_cost         0 → 300,000 ngonka
  inferences.b.epoch               0 → 1

Holdings after step 8 (gonka)
  account       liquid    owed  claimable  escrowed   total
  dev           0.9994       0          0         0  0.9994
  h2                 0  0.0003          0         0  0.0003
  all accounts  0.9994  0.0006          0         0       1`;

const EXPIRE = `── Step 11 · line 45 · expire_inference ────────────────────────────────────────
Inference c times out (the chain's expiry at the end of a block).
Note: The timeout - all 5050000 ngonka go back to dev and h1 counts a missed
      request.

Inference c was STARTED and has timed out: its whole escrow, 0.00505 gonka
(5,050,000 ngonka), goes back to dev (expired_inference:c), and h1 counts a
missed request (missed_requests + 1); it earns nothing. Inference c is EXPIRED
and can no longer be finished.

Transfers (gonka)
  inference → dev  0.00505  expired_inference:c

Changes (before → after)
  bank.inference                   0.00565 → 0.0006 gonka
  bank.dev                         0.99435 → 0.9994 gonka
  participants.h1.missed_requests  0 → 1
  inferences.c.status              STARTED → EXPIRED

Holdings after step 11 (gonka)
  account       liquid    owed  claimable  escrowed   total
  dev           0.9994       0          0         0  0.9994
  all accounts  0.9994  0.0006          0         0       1`;

const FINISH_EXPIRED = `── Step 13 · line 51 · finish_inference ────────────────────────────────────────
h1 reports inference c finished: 10 completion tokens (the prompt count, 50, is
start's).

✗ The transaction failed, as the scenario expects: inference has already expired
Inference c expired (step 11): an expired inference cannot be finished, and its
escrow is already back with its requester.
Nothing changed: a failed transaction leaves the state exactly as it was.`;

const EXECUTOR_MISMATCH = `── Step 16 · line 56 · finish_inference ────────────────────────────────────────
h2 reports inference d finished: 1 completion token (the prompt count, 1, is
start's).

✗ The transaction failed, as the scenario expects: executor mismatch:
finish.executed_by=h2 start.assigned_to=h1
start_inference named h1 as the executor of inference d, so h2 cannot finish it:
both messages must name the same executor.
Nothing changed: a failed transaction leaves the state exactly as it was.`;

const VALIDATE_SHARED = `── Step 7 · line 32 · validate_inference ───────────────────────────────────────
h3 validates inference a: passed.
Note: Three workers - 33 each, the remainder 1 to the executor.

h3's validation passed while epoch 1, the inference's epoch, is running and not
yet settled, so h3 joins the pay of inference a: its cost of 100 ngonka is split
among 3 workers (the executor h1, then h2 and h3), floor(100 ngonka / 3) = 33
ngonka each, and the remainder, 1 ngonka, to the executor. Only coin_balance
moves (earned_coins stays the executor's): h1 -16 ngonka, h2 -17 ngonka and h3
+33 ngonka. Inference a is VALIDATED; h1's validated_inferences + 1.

Changes (before → after)
  participants.h1.coin_balance  50 → 34 ngonka
  participants.h2.coin_balance  50 → 33 ngonka
  participants.h3.coin_balance  0 → 33 ngonka
  inferences.a.validated_by     [h2] → [h2, h3]

Holdings after step 7 (ngonka)
  account       liquid  owed  claimable  escrowed  total
  h1                 0    34          0         0     34
  h2                 0    33          0         0     33
  h3                 0    33          0         0     33
  all accounts   1,900   100          0         0  2,000`;

const INVALIDATE_DEBT = `── Step 10 · line 39 · invalidate_inference ────────────────────────────────────
The invalidation vote on inference a ends: the inference is invalid.
Note: The vote invalidates it - dev gets the 100 back, h1 is debited 100 and
      owes 66; h2 and h3 keep their shares.

The vote passed while epoch 1, the inference's epoch, is running and not yet
settled: its actual cost, 100 ngonka, goes back from the inference module to dev
(invalidated_inference:a) and is debited from the executor h1's coin_balance
alone — the validators who shared the pay (h2 and h3) keep their shares. h1's
coin_balance is now -66 ngonka: a debt of 66 ngonka it owes the module, netted
against its reward when epoch 1 ends. Inference a is INVALIDATED; h1's
invalidated_inferences + 1.

Transfers (ngonka)
  inference → dev  100  invalidated_inference:a

Changes (before → after)
  bank.inference                    100 → 0 ngonka
  bank.dev                          1,900 → 2,000 ngonka
  participants.h1.coin_balance      34 → -66 ngonka
  participants.h1.invalidated_inferences
      0 → 1
  inferences.a.status               VALIDATED → INVALIDATED

Holdings after step 10 (ngonka)
  account       liquid  owed  claimable  escrowed  total
  dev            2,000     0          0         0  2,000
  h1                 0   -66          0         0    -66
  all accounts   2,000     0          0         0  2,000`;

const DEBT_CARRIED = `── Step 12 · line 46 · end_epoch ───────────────────────────────────────────────
End epoch 1: settle its accounts.
Note: Rewards of 100 each; h1's debt of 66 is recovered from its reward and
      stays in the module, which now holds the 66 the validators are owed.

Epoch 1 is settled. Its reward pool F is 300 ngonka (params.epoch_reward). F is
minted into the inference module (reward_distribution) and shared by weight over
the whole active set (W = 300): each ACTIVE, unpunished member with weight gets
floor(weight × F / W).
  - h1 (weight 100 of 300): reward 100 ngonka less 66 ngonka recovered of its
    debt of 66 ngonka = 34 ngonka; no work coins → settle amount for epoch 1: 34
    ngonka, claimable during epoch 2. The 66 ngonka recovered stay in the
    inference module, where they back the shares its validators keep; its
    coin_balance resets to 0.
  - h2 (weight 100 of 300): reward 100 ngonka; work coins 33 ngonka (its
    coin_balance) → settle amount for epoch 1: 133 ngonka, claimable during
    epoch 2.
  - h3 (weight 100 of 300): reward 100 ngonka; work coins 33 ngonka (its
    coin_balance) → settle amount for epoch 1: 133 ngonka, claimable during
    epoch 2.
  - Rewards come to 234 ngonka. Of the 66 ngonka left of F, the 66 ngonka
    recovered from h1's debt stay in the inference module to back the
    validators' shares, and nothing goes to governance.
Epoch 1 has now ended but stays the effective epoch until the next start_epoch;
its settle amounts can be claimed only during epoch 2.

Transfers (ngonka)
  (mint) → inference  300  reward_distribution

Changes (before → after)
  ended                             [] → [1]
  bank.inference                    0 → 300 ngonka
  participants.h1.coin_balance      -66 → 0 ngonka
  participants.h1.earned_coins      100 → 0 ngonka
  participants.h1.inference_count   1 → 0
  participants.h1.invalidated_inferences
      1 → 0
  participants.h2.coin_balance      33 → 0 ngonka
  participants.h3.coin_balance      33 → 0 ngonka
  settle_amounts.h1                 none → epoch 1, work 0, reward 34 ngonka
  settle_amounts.h2                 none → epoch 1, work 33, reward 100 ngonka
  settle_amounts.h3                 none → epoch 1, work 33, reward 100 ngonka
  summaries.1.h1                    none → earned 0, rewarded 34 ngonka, 1
                                    inference, invalid 1, not claimed
  summaries.1.h2                    none → earned 33, rewarded 100 ngonka, not
                                    claimed
  summaries.1.h3                    none → earned 33, rewarded 100 ngonka, not
                                    claimed
  supply.minted                     0 → 300 ngonka

Holdings after step 12 (ngonka)
  account       liquid  owed  claimable  escrowed  total
  h1                 0     0         34         0     34
  h2                 0     0        133         0    133
  h3                 0     0        133         0    133
  all accounts   2,000     0        300         0  2,300`;

const DEBT_CHAIN = `── Step 12 · line 46 · end_epoch ───────────────────────────────────────────────
End epoch 1: settle its accounts; the chain's downtime test decides who is
punished.
Note: Rewards of 100 each; h1's debt of 66 is recovered from its reward and
      stays in the module, which now holds the 66 the validators are owed.

Epoch 1 is settled. Its reward pool F is 300 ngonka (params.epoch_reward). F is
minted into the inference module (reward_distribution) and shared by weight over
the whole active set (W = 300): each ACTIVE, unpunished member with weight gets
floor(weight × F / W).
Power capping: 3 members hold weight, so no one may count for more than 40% of
the effective weight; no weight is above its share, so nothing is capped.
The chain's downtime test decides who is punished (it runs at every settlement
of the chain versions; params.downtime_test). p0 is governance's binom_test_p0,
0.1, rounded up to the chain's table (5, 10, 20, 30, 40, 50%): 10%. A member
with requests (inferences + missed) passes when its misses are within the
chain's critical value for its requests (the table rows are 2–10, then every 10
up to 990; the requests are rounded down to a row):
  - h1: 1 inference + 0 missed = 1 request; below the table's first row (2
    requests) a member always passes → passes.
  - h2: no requests → not tested.
  - h3: no requests → not tested.
Then each member is settled:
  - h1 (weight 100 of 300): reward 100 ngonka less 66 ngonka recovered of its
    debt of 66 ngonka = 34 ngonka; no work coins → settle amount for epoch 1: 34
    ngonka, claimable during epoch 2. The 66 ngonka recovered go to governance
    with the rest of F, while the validators' shares the debt stood for stay
    owed: the inference module is 66 ngonka short
    (CalculateParticipantBitcoinRewards: a known divergence of the chain's math
    at the end of epoch 1).
  - h2 (weight 100 of 300): reward 100 ngonka; work coins 33 ngonka (its
    coin_balance) → settle amount for epoch 1: 133 ngonka, claimable during
    epoch 2.
  - h3 (weight 100 of 300): reward 100 ngonka; work coins 33 ngonka (its
    coin_balance) → settle amount for epoch 1: 133 ngonka, claimable during
    epoch 2.
  - Rewards come to 234 ngonka; the rest of F, 66 ngonka, goes to governance
    (bitcoin_reward_to_governance:epoch=1), the 66 ngonka recovered from h1's
    debt included.
Epoch 1 has now ended but stays the effective epoch until the next start_epoch;
its settle amounts can be claimed only during epoch 2.
Known divergence of v0.2.12: the inference module is 66 ngonka short of what it
owes (source: keeper/bitcoin_rewards.go CalculateParticipantBitcoinRewards
(8a35022b): a debt is recovered from the reward into the governance remainder;
SettleAccounts resets the coin balance, forgiving the rest). A finding about
that chain version, not a violation.

Transfers (ngonka)
  (mint) → inference  300  reward_distribution
  inference → gov      66  bitcoin_reward_to_governance:epoch=1

Changes (before → after)
  ended                             [] → [1]
  bank.inference                    0 → 234 ngonka
  bank.gov                          0 → 66 ngonka
  participants.h1.coin_balance      -66 → 0 ngonka
  participants.h1.earned_coins      100 → 0 ngonka
  participants.h1.inference_count   1 → 0
  participants.h1.invalidated_inferences
      1 → 0
  participants.h2.coin_balance      33 → 0 ngonka
  participants.h3.coin_balance      33 → 0 ngonka
  settle_amounts.h1                 none → epoch 1, work 0, reward 34 ngonka
  settle_amounts.h2                 none → epoch 1, work 33, reward 100 ngonka
  settle_amounts.h3                 none → epoch 1, work 33, reward 100 ngonka
  summaries.1.h1                    none → earned 0, rewarded 34 ngonka, 1
                                    inference, invalid 1, not claimed
  summaries.1.h2                    none → earned 33, rewarded 100 ngonka, not
                                    claimed
  summaries.1.h3                    none → earned 33, rewarded 100 ngonka, not
                                    claimed
  supply.minted                     0 → 300 ngonka

Holdings after step 12 (ngonka)
  account       liquid  owed  claimable  escrowed  total
  gov               66     0          0         0     66
  h1                 0     0         34         0     34
  h2                 0     0        133         0    133
  h3                 0     0        133         0    133
  all accounts   2,066     0        300         0  2,366`;

const VALIDATE_SETTLED = `── Step 25 · line 76 · validate_inference ──────────────────────────────────────
h3 validates inference c: passed.
Note: Epoch 2 is settled - the validation marks c VALIDATED but nothing is
      re-split.

The validation passed, but epoch 2, the inference's epoch, has already been
settled: the pay is no longer re-split and no coins move. Inference c is only
marked VALIDATED, and h2's validated_inferences goes up by 1.

Changes (before → after)
  inferences.c.status  FINISHED → VALIDATED`;

const POWER_CAP = `── Step 2 · line 22 · end_epoch ────────────────────────────────────────────────
End epoch 1: settle its accounts.
Note: p2 (2000 of 4000) is capped at floor(0.4 x 2000 / 0.6) = 1333; it gets
      1333 of the 4000 gonka, governance the other 667.

Epoch 1 is settled. Its reward pool F is 4,000 gonka (params.epoch_reward). F is
minted into the inference module (reward_distribution) and shared by weight over
the whole active set (W = 4000): each ACTIVE, unpunished member with weight gets
floor(capped weight × F / W).
Power capping: 3 members hold weight, so no one may count for more than 40% of
the effective weight. Sorted by weight, p2's 2,000 is the first above 40% of
(the 2,000 below it + 2,000 × 1 member from it up), so the cap is floor(40% ×
2,000 / (1 − 40% × 1)) = 1,333: p2 2,000 → 1,333. W stays the full weight, so
what the cap cuts from a reward goes to governance.
  - p1 (weight 1000 of 4000): reward 1,000 gonka; no work coins → settle amount
    for epoch 1: 1,000 gonka, claimable during epoch 2.
  - p2 (weight 2000 of 4000, capped to 1333): reward 1,333 gonka; no work coins
    → settle amount for epoch 1: 1,333 gonka, claimable during epoch 2.
  - p3 (weight 1000 of 4000): reward 1,000 gonka; no work coins → settle amount
    for epoch 1: 1,000 gonka, claimable during epoch 2.
  - Rewards come to 3,333 gonka; the rest of F, 667 gonka, goes to governance
    (bitcoin_reward_to_governance:epoch=1), what power capping cut included.
Epoch 1 has now ended but stays the effective epoch until the next start_epoch;
its settle amounts can be claimed only during epoch 2.

Transfers (gonka)
  (mint) → inference  4,000  reward_distribution
  inference → gov       667  bitcoin_reward_to_governance:epoch=1

Changes (before → after)
  ended              [] → [1]
  bank.inference     0 → 3,333 gonka
  bank.gov           0 → 667 gonka
  settle_amounts.p1  none → epoch 1, work 0, reward 1,000 gonka
  settle_amounts.p2  none → epoch 1, work 0, reward 1,333 gonka
  settle_amounts.p3  none → epoch 1, work 0, reward 1,000 gonka
  summaries.1.p1     none → earned 0, rewarded 1,000 gonka, not claimed
  summaries.1.p2     none → earned 0, rewarded 1,333 gonka, not claimed
  summaries.1.p3     none → earned 0, rewarded 1,000 gonka, not claimed
  supply.minted      0 → 4,000 gonka

Holdings after step 2 (gonka)
  account       liquid  owed  claimable  escrowed  total
  gov              667     0          0         0    667
  p1                 0     0      1,000         0  1,000
  p2                 0     0      1,333         0  1,333
  p3                 0     0      1,000         0  1,000
  all accounts     667     0      3,333         0  4,000`;

const DOWNTIME = `── Step 5 · line 39 · end_epoch ────────────────────────────────────────────────
End epoch 1: settle its accounts; the chain's downtime test decides who is
punished.
Note: p0 10%. The table row for 20 requests allows 4 misses - h1 passes with 1,
      h2 fails with 5, h3 has none and is not tested.

Epoch 1 is settled. Its reward pool F is 900 gonka (params.epoch_reward). F is
minted into the inference module (reward_distribution) and shared by weight over
the whole active set (W = 300): each ACTIVE, unpunished member with weight gets
floor(weight × F / W).
The chain's downtime test decides who is punished (it runs at every settlement
of the chain versions; params.downtime_test). p0 is governance's binom_test_p0,
0.1, rounded up to the chain's table (5, 10, 20, 30, 40, 50%): 10%. A member
with requests (inferences + missed) passes when its misses are within the
chain's critical value for its requests (the table rows are 2–10, then every 10
up to 990; the requests are rounded down to a row):
  - h1: 19 inferences + 1 missed = 20 requests; table row 20 allows 4 misses →
    passes.
  - h2: 15 inferences + 5 missed = 20 requests; table row 20 allows 4 misses →
    fails: punished, reward 0.
  - h3: no requests → not tested.
Then each member is settled:
  - h1 (weight 100 of 300): reward 300 gonka; work coins 10 ngonka (its
    coin_balance) → settle amount for epoch 1: 300.00000001 gonka, claimable
    during epoch 2.
  - h2 (weight 100 of 300): punished in epoch 1 (failed the chain's downtime
    test): reward 0; work coins 10 ngonka (its coin_balance) → settle amount for
    epoch 1: 10 ngonka, claimable during epoch 2.
  - h3 (weight 100 of 300): reward 300 gonka; no work coins → settle amount for
    epoch 1: 300 gonka, claimable during epoch 2.
  - Rewards come to 600 gonka; the rest of F, 300 gonka, goes to governance
    (bitcoin_reward_to_governance:epoch=1).
Epoch 1 has now ended but stays the effective epoch until the next start_epoch;
its settle amounts can be claimed only during epoch 2.

Transfers (gonka)
  (mint) → inference  900  reward_distribution
  inference → gov     300  bitcoin_reward_to_governance:epoch=1

Changes (before → after)
  ended                            [] → [1]
  bank.inference                   0.00000002 → 600.00000002 gonka
  bank.gov                         0 → 300 gonka
  participants.h1.coin_balance     10 → 0 ngonka
  participants.h1.earned_coins     10 → 0 ngonka
  participants.h1.inference_count  19 → 0
  participants.h1.missed_requests  1 → 0
  participants.h2.coin_balance     10 → 0 ngonka
  participants.h2.earned_coins     10 → 0 ngonka
  participants.h2.inference_count  15 → 0
  participants.h2.missed_requests  5 → 0
  settle_amounts.h1                none → epoch 1, work 0.00000001, reward 300
                                   gonka
  settle_amounts.h2                none → epoch 1, work 10, reward 0 ngonka
  settle_amounts.h3                none → epoch 1, work 0, reward 300 gonka
  summaries.1.h1                   none → earned 0.00000001, rewarded 300 gonka,
                                   19 inferences, missed 1, not claimed
  summaries.1.h2                   none → earned 10, rewarded 0 ngonka, 15
                                   inferences, missed 5, not claimed
  summaries.1.h3                   none → earned 0, rewarded 300 gonka, not
                                   claimed
  supply.minted                    0 → 900 gonka

Holdings after step 5 (gonka)
  account             liquid  owed     claimable  escrowed         total
  gov                    300     0             0         0           300
  h1                       0     0  300.00000001         0  300.00000001
  h2                       0     0    0.00000001         0    0.00000001
  h3                       0     0           300         0           300
  all accounts  300.99999998     0  600.00000002         0           901`;


describe('one block for each version rule, lifecycle message and piece of reward math', () => {
  test.each([
    ['pr-1000: a host not found is counted in totalPayout, its payout trapped', '17', 5, undefined, PR1000_TRAPPED],
    ['fees-kept: the fees count against the escrow and stay with no owner', '15', 3, undefined, FEES_KEPT],
    ['v0.2.11: no fees field, costs paid at once, fees back in the refund', '14', 3, undefined, V0211_FEES_IGNORED],
    ['v0.2.11: the unchecked sum wraps at 2^64', '14', 6, undefined, V0211_WRAPPED_SUM],
    ['newest: an excluded host forfeits to governance; a settled epoch pays directly', '19', 10, undefined, NEWEST_FORFEIT],
    ['v0.2.12: same-epoch ledger credit with nonce-derived stats', '18', 4, undefined, V0212_NONCE],
    ['pruning per unique host at X + 2 (v0.2.11)', '14', 18, undefined, PRUNED_PER_HOST],
    ['pruning per slot at X + 2 (newest)', '19', 16, undefined, PRUNED_PER_SLOT],
    ["end_epoch: an INVALID host's work coins stranded (#1746)", '16', 8, undefined, STRANDED],
    ['start_inference first: the escrow is locked', '21', 2, undefined, START_ESCROWS],
    ['finish_inference after start: pay and refund', '21', 4, undefined, FINISH_PAYS],
    ['finish_inference first: recorded, nothing moves', '21', 6, undefined, FINISH_FIRST],
    ['start_inference after finish: escrows exactly the pay and credits it', '21', 8, undefined, START_AFTER_FINISH],
    ['expire_inference: the whole escrow back, a missed request', '21', 11, undefined, EXPIRE],
    ['finish after expiry: refused', '21', 13, undefined, FINISH_EXPIRED],
    ['finish by another executor: refused', '21', 16, undefined, EXECUTOR_MISMATCH],
    ['validate_inference: the pay re-split among three workers', '22', 7, undefined, VALIDATE_SHARED],
    ['invalidate_inference: refund and executor debt', '22', 10, undefined, INVALIDATE_DEBT],
    ['end_epoch: debt netted, recovered part kept in the module (deferred)', '22', 12, undefined, DEBT_CARRIED],
    ['end_epoch: debt netted, recovered part to governance (chain math)', '22', 12, 'v0.2.12', DEBT_CHAIN],
    ['validate_inference after the epoch is settled: status only', '22', 25, undefined, VALIDATE_SETTLED],
    ['end_epoch with power capping (40% for three members)', '23', 2, undefined, POWER_CAP],
    ["end_epoch with the chain's downtime test", '24', 5, undefined, DOWNTIME],
  ] as const)('%s (scenario %s, step %d, rules %s)', async (_what, prefix, step, rules, expected) => {
    const args = rules === undefined ? [file(prefix)] : [file(prefix), '--rules', rules];
    expect(block(await explain(args), step)).toBe(expected);
  });
});

describe('the known divergences of the whole replay', () => {
  test('pr-1000: each divergence with its step and amount, and their sum, before the verdict', async () => {
    const out = await explain([file('20')]);
    expect(section(out, 'Known divergences of pr-1000')).toBe(
      [
        '── Known divergences of pr-1000 ────────────────────────────────────────────────',
        "  - step 8 (line 43, end_epoch): h2's 201 ngonka of work coins zeroed at the end",
        '    of epoch 1 (gonka-ai/gonka #1746).',
        '  - step 16 (line 70, start_epoch): the 1 ngonka remainder of unsettled escrow',
        '    3, pruned.',
        "In all, 202 ngonka stay in the inference module with no owner, the run's whole",
        'surplus. These are findings about that chain version, not violations.',
      ].join('\n'),
    );
    expect(out.trimEnd().split('\n').slice(-2)).toEqual([
      '── Result ──────────────────────────────────────────────────────────────────────',
      'OK: 15 events, 5 checkpoints, invariants hold',
    ]);
  });

  test('a version with none says so; deferred and immediate have no such section', async () => {
    expect(section(await explain([file('20'), '--rules', 'newest']), 'Known divergences of newest')).toContain(
      'None in this replay: every coin in the inference module has an owner.',
    );
    expect(await explain([file('20'), '--rules', 'deferred'])).not.toContain('Known divergences');
  });

  test('--step: the full states name the known divergences the module holds, and the section follows', async () => {
    const out = await explain([file('17'), '--step', '6']);
    expect(out).toContain(
      [
        '  The inference module holds 800 ngonka: 100 ngonka more than the owed,',
        '  claimable and escrowed coins above, which it backs: the known divergences so',
        '  far, coins no one owns.',
      ].join('\n'),
    );
    expect(out).toContain('── Known divergences of pr-1000 ──');
    const debt = await explain([file('22'), '--rules', 'v0.2.12', '--step', '12']);
    expect(debt).toContain(
      [
        '  The inference module holds 234 ngonka: 66 ngonka less than the owed, claimable',
        '  and escrowed coins above, which it backs: the known divergences so far.',
      ].join('\n'),
    );
  });
});

describe('more version rules in words', () => {
  test('a claim the module cannot pay: deleted with the work paid (not atomic), or kept for a retry (atomic)', async () => {
    const partial = block(await explain([file('22'), '--rules', 'fees-kept']), 17);
    expect(partial).toContain(
      [
        'It is epoch 2, so epoch 1 can be claimed, but the inference module holds 67',
        "ngonka: enough for h3's work coins of 33 ngonka, not for its reward coins of 100",
        'ngonka too. Claims under fees-kept are not atomic: the work coins are paid',
        '(work_coins:h3), then the reward fails and the record is deleted anyway, so h3',
        'loses 100 ngonka (a known divergence; v0.2.12 made claims atomic).',
        'Result: "Work paid, but rewards failed."',
      ].join('\n'),
    );
    const atomic = block(await explain([file('22'), '--rules', 'v0.2.12']), 17);
    expect(atomic).toContain(
      [
        'ngonka too. Claims under v0.2.12 are atomic: nothing is paid and the record is',
        'kept, so the claim can be retried once the module holds enough.',
        'Result: "Reward payment failed, claim can be retried"',
      ].join('\n'),
    );
  });

  test('a settle after pruning says when the escrow was pruned', async () => {
    const out = block(await explain([file('14')]), 19);
    expect(out).toContain(
      [
        'alice settles escrow 3 (1,001 ngonka of epoch 1, slots h1, h1, h2) with no fees',
        'and 1 host entry.',
        '',
        '✗ The transaction failed, as the scenario expects: escrow 3 not found',
        'Escrow 3 no longer exists: it was pruned at step 18, when epoch 3 started —',
        'under v0.2.11 an escrow of epoch 1 is deleted when epoch 3 starts.',
      ].join('\n'),
    );
  });

  test('the two other v0.2.11 wrap-arounds: a payout above MaxInt64, and the host-stats cost sum', async () => {
    const out = await explain([file('14')]);
    expect(block(out, 7)).toContain(
      [
        'The costs add up, wrapping at 2^64, to 1 ngonka, which passes the sum check; but',
        "h1's payout, 18,446,744,073,709,551,615 ngonka, is above MaxInt64: the bank",
        'reads amounts as int64, where it is negative, so it refuses the payment and the',
        'whole message fails.',
      ].join('\n'),
    );
    // the host stats of epoch 1 already hold h1's 150 ngonka from the first settlement: the first entry overflows them
    expect(block(out, 9)).toContain(
      [
        'The payouts pass every check (v0.2.11 adds them up wrapping at 2^64) and would',
        'be paid, but the host stats of epoch 1 add each entry with an overflow check:',
        "h1's cost stands at 150 ngonka and an entry adds 18,446,744,073,709,551,615",
        'ngonka, past the uint64 maximum, so the whole message fails and nothing it did',
        'is kept.',
      ].join('\n'),
    );
  });

  test('v0.2.12 credits the ledger after the epoch was settled, to be paid when the next epoch ends', async () => {
    const out = block(await explain([file('18')]), 9);
    expect(out).toContain(
      [
        "  - h3 is in the active set of epoch 1, the escrow's own epoch; epoch 1 has",
        '    already been settled, but v0.2.12 still credits the ledger: its 100 ngonka',
        "    are credited to its ledger, to be paid when epoch 2 ends, if it is in that",
        "    epoch's active set.",
      ].join('\n'),
    );
  });

  test('a version with no punishment check says a punished host is paid anyway', async () => {
    const out = block(await explain([file('05'), '--rules', 'v0.2.12']), 6);
    expect(out).toContain(
      [
        '  - h2 is owed 0.2 gonka; escrow 1 is from epoch 1, not the effective epoch 2,',
        '    so it is paid at once by bank (devshard_escrow_payment). h2 was punished in',
        '    epoch 1 (step 3), but v0.2.12 has no punishment check.',
      ].join('\n'),
    );
  });

  test('the epoch that crosses the lifetime cap under the chain math: scaled rewards and the over-transfer', async () => {
    const text = [
      'name: cap crossing',
      'rules: v0.2.12',
      'params: { epoch_reward: 300, standard_reward_amount: 500 }',
      'participants: { h1: { weight: 100 }, h2: { weight: 200 } }',
      'events:',
      '  - start_epoch',
      '  - end_epoch',
      '  - start_epoch',
      '  - end_epoch',
    ].join('\n');
    const out = block(await explain(['cap.yaml'], { 'cap.yaml': text }), 4);
    expect(out).toContain(
      [
        'Epoch 2 crosses the lifetime subsidy cap (standard_reward_amount 500 ngonka, 300',
        "ngonka minted before), so F' = cap − minted = 200 ngonka. The chain computes the",
        "rewards from F (200 ngonka in all) and scales each by F'/F, floor(r × 200 ngonka",
        '/ 300 ngonka), to 132 ngonka. Governance gets (F − Σ rewards) + (F\' − Σ scaled)',
        '= 100 ngonka + 68 ngonka = 168 ngonka: the unscaled 100 ngonka is more than was',
        'minted for it (GetBitcoinSettleAmounts: a known divergence).',
      ].join('\n'),
    );
    expect(out).toContain('  inference → gov     168  bitcoin_reward_to_governance:epoch=2');
  });

  test('a debt netted in the epoch that crosses the cap: the reward from F, the recovered part, then the scaling', async () => {
    const text = [
      'name: debt at a cap crossing',
      'rules: v0.2.12',
      'params: { epoch_reward: 300, standard_reward_amount: 500, token_price: 1 }',
      'accounts: { dev: 2000 }',
      'participants: { h1: { weight: 100 }, h2: { weight: 100 }, h3: { weight: 100 } }',
      'events:',
      '  - start_epoch',
      '  - end_epoch',
      '  - start_epoch',
      '  - start_inference: { id: a, requester: dev, executor: h1, prompt_tokens: 50, max_tokens: 100 }',
      '  - finish_inference: { id: a, executor: h1, completion_tokens: 50 }',
      '  - validate_inference: { id: a, validator: h2 }',
      '  - validate_inference: { id: a, validator: h3 }',
      '  - invalidate_inference: { id: a }',
      '  - end_epoch',
    ].join('\n');
    const out = block(await explain(['debt.yaml'], { 'debt.yaml': text }), 9);
    // h1 owes 66 after the invalidation; its reward from F is 100, 34 after netting, floor(34 × 200 / 300) = 22 after scaling
    expect(out).toContain(
      [
        '  - h1 (weight 100 of 300): reward 100 ngonka from F less 66 ngonka recovered of',
        "    its debt of 66 ngonka = 34 ngonka, scaled by F'/F to 22 ngonka; no work",
        '    coins → settle amount for epoch 2: 22 ngonka, claimable during epoch 3. The',
      ].join('\n'),
    );
  });

  test('an explicit punish list replaces the chain downtime test', async () => {
    expect(block(await explain([file('24')]), 21).split('\n').slice(1, 3)).toEqual([
      'End epoch 3: settle its accounts, punishing no one (the scenario lists punish,',
      "so the chain's downtime test does not run).",
    ]);
  });
});
