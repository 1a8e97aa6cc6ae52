/**
 * Typed scenario → YAML that `loadScenario` reads back to an equal scenario (events, params,
 * accounts, participants). Amounts are written as exact ngonka integers, events one per line in
 * flow style; checkpoints are not written (generated scenarios have none).
 */
import { DEFAULT_PARAMS, type ChainEvent, type Fraction, type Params, type Scenario } from '../domain/scenario.js';

const PLAIN_RE = /^[A-Za-z][A-Za-z0-9_.-]*$/;
const YAML_WORDS = new Set(['true', 'false', 'yes', 'no', 'on', 'off', 'null', 'y', 'n']);

/** A name or text: plain when it is safely a YAML string, else double-quoted (JSON is valid YAML). */
export function yamlString(s: string): string {
  return PLAIN_RE.test(s) && !YAML_WORDS.has(s.toLowerCase()) ? s : JSON.stringify(s);
}

const list = (xs: readonly string[]): string => `[${xs.map(yamlString).join(', ')}]`;

function map(entries: readonly (readonly [string, string | undefined])[]): string {
  const kept = entries.filter((e): e is readonly [string, string] => e[1] !== undefined);
  return `{ ${kept.map(([k, v]) => `${k}: ${v}`).join(', ')} }`;
}

function fraction(f: Fraction): string {
  const digits = f.den.toString().length - 1;
  if (f.den !== 10n ** BigInt(digits) || digits === 0) throw new Error(`cannot write binom_test_p0 ${f.num}/${f.den}`);
  return `"0.${f.num.toString().padStart(digits, '0')}"`;
}

/** One event as its line in a scenario's `events:` list (without the leading `- `). */
export function eventLine(e: ChainEvent): string {
  const s = (v: bigint | undefined): string | undefined => v?.toString();
  switch (e.type) {
    case 'start_epoch': {
      if (e.active === undefined && e.weights.length === 0) return 'start_epoch';
      const weights = e.weights.length === 0 ? undefined : map(e.weights.map(([n, w]) => [yamlString(n), w.toString()] as const));
      return `start_epoch: ${map([
        ['active', e.active && list(e.active)],
        ['weights', weights],
      ])}`;
    }
    case 'end_epoch':
      return e.punish.length === 0 && e.punishListed !== true ? 'end_epoch' : `end_epoch: { punish: ${list(e.punish)} }`;
    case 'run_inference':
      return `run_inference: ${map([
        ['requester', yamlString(e.requester)],
        ['executor', yamlString(e.executor)],
        ['prompt_tokens', s(e.promptTokens)],
        ['completion_tokens', s(e.completionTokens)],
        ['max_tokens', s(e.maxTokens)],
        ['price', s(e.price)],
        ['id', e.id && JSON.stringify(e.id)],
        ['outcome', e.outcome],
      ])}`;
    case 'create_escrow':
      return `create_escrow: ${map([
        ['creator', yamlString(e.creator)],
        ['amount', s(e.amount)],
        ['slots', list(e.slots)],
        ['id', s(e.id)],
      ])}`;
    case 'settle_escrow': {
      const hosts = e.hosts.map((h) =>
        map([
          ['slot', String(h.slot)],
          ['cost', s(h.cost)],
          ['missed', String(h.missed)],
          ['invalid', String(h.invalid)],
          ['required_validations', h.requiredValidations === 0 ? undefined : String(h.requiredValidations)],
          ['completed_validations', h.completedValidations === 0 ? undefined : String(h.completedValidations)],
        ]),
      );
      return `settle_escrow: ${map([
        ['escrow', s(e.escrow)],
        ['settler', e.settler && yamlString(e.settler)],
        ['fees', s(e.fees)],
        ['nonce', s(e.nonce)],
        ['hosts', `[${hosts.join(', ')}]`],
      ])}`;
    }
    case 'exclude_participant':
      return `exclude_participant: ${map([
        ['participant', yamlString(e.participant)],
        ['reason', e.reason],
      ])}`;
    case 'claim_reward':
      return `claim_reward: ${map([
        ['participant', yamlString(e.participant)],
        ['epoch', s(e.epoch)],
      ])}`;
    case 'transfer':
      return `transfer: ${map([
        ['from', yamlString(e.from)],
        ['to', yamlString(e.to)],
        ['amount', s(e.amount)],
      ])}`;
    case 'start_inference':
      return `start_inference: ${map([
        ['id', JSON.stringify(e.id)],
        ['requester', yamlString(e.requester)],
        ['executor', yamlString(e.executor)],
        ['prompt_tokens', s(e.promptTokens)],
        ['max_tokens', s(e.maxTokens)],
        ['price', s(e.price)],
      ])}`;
    case 'finish_inference':
      return `finish_inference: ${map([
        ['id', JSON.stringify(e.id)],
        ['executor', yamlString(e.executor)],
        ['prompt_tokens', s(e.promptTokens)],
        ['completion_tokens', s(e.completionTokens)],
      ])}`;
    case 'validate_inference':
      return `validate_inference: ${map([
        ['id', JSON.stringify(e.id)],
        ['validator', yamlString(e.validator)],
        ['passed', String(e.passed)],
      ])}`;
    case 'invalidate_inference':
    case 'expire_inference':
      return `${e.type}: { id: ${JSON.stringify(e.id)} }`;
  }
}

function paramsLines(p: Params): string[] {
  const d = DEFAULT_PARAMS;
  const out: string[] = [];
  const put = (key: string, value: string | undefined, dflt: string | undefined): void => {
    if (value !== undefined && value !== dflt) out.push(`  ${key}: ${value}`);
  };
  put('token_price', p.tokenPrice.toString(), d.tokenPrice.toString());
  out.push(
    `  escrow: ${map([
      ['min_amount', p.escrow.minAmount.toString()],
      ['max_amount', p.escrow.maxAmount.toString()],
      ['max_per_epoch', p.escrow.maxPerEpoch.toString()],
      ['allowed_creators', p.escrow.allowedCreators.length === 0 ? undefined : list(p.escrow.allowedCreators)],
    ])}`,
  );
  put('epoch_reward', p.epochReward?.toString(), undefined);
  put('initial_epoch_reward', p.initialEpochReward.toString(), d.initialEpochReward.toString());
  put('genesis_epoch', p.genesisEpoch.toString(), d.genesisEpoch.toString());
  put('decay_rate', p.decayRate === d.decayRate ? undefined : JSON.stringify(p.decayRate), undefined);
  put('standard_reward_amount', p.standardRewardAmount.toString(), d.standardRewardAmount.toString());
  put('skipped_payout', p.skippedPayout, d.skippedPayout);
  put('work_vesting_period', p.workVestingPeriod.toString(), d.workVestingPeriod.toString());
  put('reward_vesting_period', p.rewardVestingPeriod.toString(), d.rewardVestingPeriod.toString());
  put('power_capping', p.powerCapping, undefined);
  put('downtime_test', p.downtimeTest, d.downtimeTest);
  put('auto_status', p.autoStatus, d.autoStatus);
  const validation: [string, string | undefined][] = [
    ['false_positive_rate', p.validation.falsePositiveRate, d.validation.falsePositiveRate],
    ['quick_failure_threshold', p.validation.quickFailureThreshold, d.validation.quickFailureThreshold],
    ['bad_participant_invalidation_rate', p.validation.badParticipantInvalidationRate, d.validation.badParticipantInvalidationRate],
    ['invalidation_h_threshold', p.validation.invalidationHThreshold, d.validation.invalidationHThreshold],
    ['downtime_bad_percentage', p.validation.downtimeBadPercentage, d.validation.downtimeBadPercentage],
    ['downtime_good_percentage', p.validation.downtimeGoodPercentage, d.validation.downtimeGoodPercentage],
    ['downtime_h_threshold', p.validation.downtimeHThreshold, d.validation.downtimeHThreshold],
  ].map(([key, value, dflt]) => [key as string, value === dflt ? undefined : value]);
  if (validation.some(([, v]) => v !== undefined)) out.push(`  validation: ${map(validation)}`);
  if (p.binomTestP0.num * d.binomTestP0.den !== d.binomTestP0.num * p.binomTestP0.den) out.push(`  binom_test_p0: ${fraction(p.binomTestP0)}`);
  return out;
}

/** The scenario as a YAML file; `header` lines become `# ` comments at the top. */
export function scenarioToYaml(s: Scenario, header: readonly string[] = []): string {
  const lines = header.map((h) => (h === '' ? '#' : `# ${h}`));
  lines.push(`name: ${JSON.stringify(s.name)}`);
  if (s.description !== undefined) lines.push(`description: ${JSON.stringify(s.description)}`);
  if (s.rules !== undefined) lines.push(`rules: ${s.rules}`);
  lines.push('params:', ...paramsLines(s.params));
  if (s.accounts.length > 0) {
    lines.push('accounts:');
    for (const a of s.accounts) lines.push(`  ${yamlString(a.name)}: ${a.balance}`);
  }
  lines.push('participants:');
  if (s.participants.length === 0) lines[lines.length - 1] = 'participants: {}';
  for (const p of s.participants) {
    lines.push(`  ${yamlString(p.name)}: ${map([
      ['weight', p.weight.toString()],
      ['balance', p.balance === 0n ? undefined : p.balance.toString()],
    ])}`);
  }
  const events = s.items.flatMap((it) => (it.kind === 'event' ? [it.event] : []));
  lines.push(events.length === 0 ? 'events: []' : 'events:');
  for (const e of events) lines.push(`  - ${eventLine(e)}`);
  return `${lines.join('\n')}\n`;
}
