/**
 * Writes the benchmark workload as a scenario YAML file (what `epochsim run` reads), e.g. the
 * issue's 10^5-event file (about 19 MB):
 *
 *   npm run build && node bench/gen-yaml.js 100000 1000 > /tmp/bench-100k.yaml
 *   time bin/epochsim run /tmp/bench-100k.yaml > /dev/null
 *
 * Arguments: events (default 100000), participants (default 1000), and `mixed` for every
 * spelling the format allows (toMixedYaml). Plain: Amounts are written in
 * ngonka (plain integers), each event on one line in flow style.
 */
import { makeRandom, makeScenario } from './workload.js';

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


/**
 * The same typed Scenario written in every spelling the format allows, mixed by a seeded PRNG:
 * amounts as digits, with `_`, `<n> ngonka`, `<decimal> gonka`, `<decimal>GNK`, quoted or not;
 * counts with and without `_`; names plain or quoted; each event one-line flow, block, or a flow
 * map spread over lines with its host entries one per line (trailing commas and all); lists in
 * flow or block style; comment lines and trailing comments. It reads to the same scenario as
 * toYaml's file (the bench checks that the two runs end with the same balances).
 */
export function toMixedYaml(scenario, seed = 0x5eed_2026) {
  const rnd = makeRandom(seed);
  const out = [];
  const GONKA = 1_000_000_000n;
  const grouped = (v) => v.toString().replace(/\B(?=(\d{3})+(?!\d))/g, '_');
  const decimal = (v) => {
    const frac = (v % GONKA).toString().padStart(9, '0').replace(/0+$/, '');
    return frac === '' ? `${v / GONKA}` : `${v / GONKA}.${frac}`;
  };
  const amount = (v) => {
    switch (rnd.int(0, 6)) {
      case 0: return `${v}`;
      case 1: return grouped(v);
      case 2: return `${v} ngonka`;
      case 3: return `${decimal(v)} gonka`;
      case 4: return `${decimal(v)}GNK`;
      case 5: return `"${decimal(v)} gonka"`;
      default: return `'${grouped(v)}'`;
    }
  };
  const count = (v) => (rnd.chance(0.3) && v >= 1000n ? grouped(v) : `${v}`);
  const nm = (s) => (rnd.chance(0.8) ? s : rnd.chance(0.5) ? `"${s}"` : `'${s}'`);
  const comment = () => (rnd.chance(0.1) ? rnd.pick(['  # checked by hand', ' # a note: with a colon', '   #']) : '');
  /** A list of already-spelled items: flow on one line, flow over lines (ten a line), or block. */
  const list = (key, items, col) => {
    const pad = ' '.repeat(col);
    const r = items.length > 12 ? rnd.int(1, 2) : rnd.int(0, 2);
    if (r === 0 || items.length === 0) return [`${pad}${key}: [${items.join(', ')}]${comment()}`];
    if (r === 1) {
      const lines = [`${pad}${key}: [`];
      for (let i = 0; i < items.length; i += 10) lines.push(`${pad}    ${items.slice(i, i + 10).join(', ')},`);
      lines.push(`${pad}  ]${comment()}`);
      return lines;
    }
    return [`${pad}${key}:${comment()}`, ...items.map((x) => `${pad}  - ${x}`)];
  };
  /** An event's fields ([key, spelled value] or [key, list of spelled items]) in one of the layouts. */
  const event = (type, fields) => {
    const present = fields.filter(([, v]) => v !== undefined);
    if (present.length === 0) return [`  - ${type}${comment()}`];
    const style = rnd.int(0, 3);
    const inline = (v) => (Array.isArray(v) ? `[${v.join(', ')}]` : v);
    if (style === 0 || (style === 3 && present.length < 2)) return [`  - ${type}: { ${present.map(([k, v]) => `${k}: ${inline(v)}`).join(', ')} }${comment()}`];
    if (style === 3) {
      // a flow map over several lines, a list entry per line, and a trailing comma
      const lines = [`  - ${type}: {`];
      for (const [k, v] of present) {
        if (!Array.isArray(v) || v.length < 2) lines.push(`      ${k}: ${inline(v)},`);
        else {
          lines.push(`      ${k}: [`);
          for (const x of v) lines.push(`        ${x},`);
          lines.push('      ],');
        }
      }
      lines.push(`    }${comment()}`);
      return lines;
    }
    const lines = [`  - ${type}:${comment()}`];
    for (const [k, v] of present) {
      if (Array.isArray(v)) lines.push(...list(k, v, 6));
      else lines.push(`      ${k}: ${v}${comment()}`);
    }
    return lines;
  };
  const hostEntry = (h) => {
    const f = [['slot', `${h.slot}`], ['cost', amount(h.cost)], ['missed', `${h.missed}`], ['invalid', `${h.invalid}`], ['required_validations', `${h.requiredValidations}`], ['completed_validations', `${h.completedValidations}`]];
    return `{ ${f.map(([k, v]) => `${k}: ${v}`).join(', ')} }`;
  };
  const p = scenario.params;
  out.push(`# ${scenario.name}, every spelling mixed`);
  out.push(`name: ${JSON.stringify(scenario.name)}`);
  out.push('params:');
  out.push('  escrow:');
  out.push(`    max_per_epoch: ${count(p.escrow.maxPerEpoch)}`);
  out.push('accounts:');
  for (const a of scenario.accounts) out.push(`  ${a.name}: ${amount(a.balance)}${comment()}`);
  out.push('participants:');
  for (const q of scenario.participants) {
    if (rnd.chance(0.5)) out.push(`  ${q.name}: { weight: ${count(q.weight)}, balance: ${amount(q.balance)} }`);
    else out.push(`  ${q.name}:`, `    weight: ${count(q.weight)}`, `    balance: ${amount(q.balance)}${comment()}`);
  }
  out.push('events:');
  for (const item of scenario.items) {
    const e = item.event;
    let lines;
    switch (e.type) {
      case 'start_epoch': {
        out.push(`  # epoch ${rnd.int(1, 9)} starts`);
        const fields = [];
        if (e.active !== undefined) fields.push(['active', e.active.map(nm)]);
        if (e.weights.length > 0) fields.push(['weights', `{ ${e.weights.map(([k, w]) => `${nm(k)}: ${count(w)}`).join(', ')} }`]);
        lines = event('start_epoch', fields);
        break;
      }
      case 'end_epoch':
        lines = event('end_epoch', e.punish.length === 0 ? [] : [['punish', e.punish.map(nm)]]);
        break;
      case 'run_inference':
        lines = event('run_inference', [
          ['requester', nm(e.requester)],
          ['executor', nm(e.executor)],
          ['prompt_tokens', count(e.promptTokens)],
          ['completion_tokens', count(e.completionTokens)],
          ['max_tokens', count(e.maxTokens)],
          ['outcome', e.outcome === 'finished' ? undefined : e.outcome],
        ]);
        break;
      case 'create_escrow':
        lines = event('create_escrow', [['creator', nm(e.creator)], ['amount', amount(e.amount)], ['slots', e.slots.map(nm)]]);
        break;
      case 'settle_escrow':
        lines = event('settle_escrow', [['escrow', count(e.escrow)], ['fees', amount(e.fees)], ['nonce', e.nonce === undefined ? undefined : count(e.nonce)], ['hosts', e.hosts.map(hostEntry)]]);
        break;
      case 'transfer':
        lines = event('transfer', [['from', nm(e.from)], ['to', nm(e.to)], ['amount', amount(e.amount)]]);
        break;
      case 'claim_reward':
        lines = event('claim_reward', [['participant', nm(e.participant)], ['epoch', count(e.epoch)]]);
        break;
      case 'exclude_participant':
        lines = event('exclude_participant', [['participant', nm(e.participant)], ['reason', e.reason]]);
        break;
      default:
        throw new Error(`gen-yaml: no writer for ${e.type}`);
    }
    out.push(...lines);
    if (item.expectError !== undefined) out.push(`    expect_error: ${JSON.stringify(item.expectError)}`);
  }
  return `${out.join('\n')}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const events = Number(process.argv[2] ?? 100_000);
  const participants = Number(process.argv[3] ?? 1_000);
  const write = process.argv[4] === 'mixed' ? toMixedYaml : toYaml;
  process.stdout.write(write(makeScenario({ participants, events }).scenario));
}
