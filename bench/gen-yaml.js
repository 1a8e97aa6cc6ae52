/**
 * Writes the benchmark workload as a scenario YAML file (what `epochsim run` reads), e.g. the
 * issue's 10^5-event file (about 19 MB):
 *
 *   npm run build && node bench/gen-yaml.js 100000 1000 > /tmp/bench-100k.yaml
 *   time bin/epochsim run /tmp/bench-100k.yaml > /dev/null
 *
 * Arguments: events (default 100000), participants (default 1000). Amounts are written in
 * ngonka (plain integers), each event on one line in flow style.
 */
import { makeScenario } from './workload.js';

/** The YAML text of a typed Scenario as makeScenario builds it. */
export function toYaml(scenario) {
  const out = [];
  const name = (s) => (/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(s) ? s : JSON.stringify(s));
  const flow = (fields) =>
    `{ ${fields
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}: ${Array.isArray(v) ? `[${v.join(', ')}]` : v}`)
      .join(', ')} }`;
  const p = scenario.params;
  out.push(`name: ${JSON.stringify(scenario.name)}`);
  out.push('params:');
  out.push('  escrow:');
  out.push(`    max_per_epoch: ${p.escrow.maxPerEpoch}`);
  out.push('accounts:');
  for (const a of scenario.accounts) out.push(`  ${name(a.name)}: ${a.balance}`);
  out.push('participants:');
  for (const q of scenario.participants) out.push(`  ${name(q.name)}: { weight: ${q.weight}, balance: ${q.balance} }`);
  out.push('events:');
  for (const item of scenario.items) {
    const e = item.event;
    let line;
    switch (e.type) {
      case 'start_epoch': {
        const fields = [];
        if (e.active !== undefined) fields.push(['active', e.active.map(name)]);
        if (e.weights.length > 0) fields.push(['weights', `{ ${e.weights.map(([k, w]) => `${name(k)}: ${w}`).join(', ')} }`]);
        line = fields.length === 0 ? 'start_epoch' : `start_epoch: ${flow(fields)}`;
        break;
      }
      case 'end_epoch':
        line = e.punish.length === 0 ? 'end_epoch' : `end_epoch: ${flow([['punish', e.punish.map(name)]])}`;
        break;
      case 'run_inference':
        line = `run_inference: ${flow([
          ['requester', name(e.requester)],
          ['executor', name(e.executor)],
          ['prompt_tokens', e.promptTokens],
          ['completion_tokens', e.completionTokens],
          ['max_tokens', e.maxTokens],
          ['outcome', e.outcome === 'finished' ? undefined : e.outcome],
        ])}`;
        break;
      case 'create_escrow':
        line = `create_escrow: ${flow([
          ['creator', name(e.creator)],
          ['amount', e.amount],
          ['slots', e.slots.map(name)],
        ])}`;
        break;
      case 'settle_escrow':
        line = `settle_escrow: ${flow([
          ['escrow', e.escrow],
          ['fees', e.fees],
          ['nonce', e.nonce],
          [
            'hosts',
            `[${e.hosts
              .map((h) =>
                flow([
                  ['slot', h.slot],
                  ['cost', h.cost],
                  ['missed', h.missed],
                  ['invalid', h.invalid],
                  ['required_validations', h.requiredValidations],
                  ['completed_validations', h.completedValidations],
                ]),
              )
              .join(', ')}]`,
          ],
        ])}`;
        break;
      case 'transfer':
        line = `transfer: ${flow([
          ['from', name(e.from)],
          ['to', name(e.to)],
          ['amount', e.amount],
        ])}`;
        break;
      case 'claim_reward':
        line = `claim_reward: ${flow([
          ['participant', name(e.participant)],
          ['epoch', e.epoch],
        ])}`;
        break;
      case 'exclude_participant':
        line = `exclude_participant: ${flow([
          ['participant', name(e.participant)],
          ['reason', e.reason],
        ])}`;
        break;
      default:
        throw new Error(`gen-yaml: no writer for ${e.type}`);
    }
    out.push(`  - ${line}`);
    if (item.expectError !== undefined) out.push(`    expect_error: ${JSON.stringify(item.expectError)}`);
  }
  return `${out.join('\n')}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const events = Number(process.argv[2] ?? 100_000);
  const participants = Number(process.argv[3] ?? 1_000);
  process.stdout.write(toYaml(makeScenario({ participants, events }).scenario));
}
