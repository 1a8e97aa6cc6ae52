/**
 * What `epochsim fuzz` prints, from the campaign report (src/fuzz/report.ts): so a campaign run in
 * one process and the merge of its shards (`fuzz merge`) print the same text.
 */
import type { Shard } from '../../fuzz/campaign.js';
import { fuzzCommand, rulesArgument, settingsOf, type CampaignSettings, type FuzzReport } from '../../fuzz/report.js';
import { plural } from './layout.js';

const shardText = (shard: Shard | undefined): string => (shard !== undefined && shard.count > 1 ? `, shard ${shard.index}/${shard.count}` : '');

/** The first line: what the campaign is. */
export function campaignHeader(s: CampaignSettings, shard: Shard | undefined): string {
  return `fuzz: seed ${s.seed}, ${plural(s.runs, 'run')}${shardText(shard)}, rules ${s.rules.join(', ')}, ${s.steps} steps, ${s.participants} participants${s.strict ? ', strict' : ''}\n`;
}

/** Runs per second as the summary shows it. */
export function rateText(perSecond: number | null): string {
  return perSecond === null ? '—' : Math.round(perSecond).toLocaleString('en-US');
}

const runs = (n: number): string => `${n} run${n === 1 ? '' : 's'}`;

function summary(r: FuzzReport): string[] {
  const strict = r.campaign.strict;
  const lines = [`${plural(r.runs, 'run')}, ${plural(r.replays, 'replay')} in ${r.timings.seconds.toFixed(3)} s (${rateText(r.timings.runs_per_second)} runs/s)`];
  if (r.properties.includes('differential')) lines.push(`${plural(r.clean_runs, 'clean run')}; deferred and immediate compared in ${r.differential_checks}`);
  if (r.divergences.length > 0) {
    lines.push(`known divergences${strict ? ' (failures with --strict)' : ' (not failures; --strict makes them failures)'}:`);
    for (const d of r.divergences) lines.push(`  ${d.rules} ${d.id}: ${runs(d.runs)}`);
  }
  if (r.failures.length > 0) {
    lines.push('failures:');
    for (const f of r.failures) lines.push(`  ${f.rules} ${f.property}: ${runs(f.runs)}`);
  }
  lines.push(`${r.runs - r.failed_runs} passed, ${r.failed_runs} failed`);
  return lines;
}

/** Why a campaign stopped early, as its summary says. */
export type Interruption = 'Ctrl-C' | 'SIGTERM';

/** Everything after the header: each failure, the summary and the command that reproduces the campaign. */
export function campaignEnd(r: FuzzReport, interruption: Interruption | undefined): string {
  const out: string[] = [];
  for (const f of r.failures) {
    out.push(
      `✗ run ${f.run} · seed ${f.seed} · ${f.rules} · ${f.property}`,
      `  ${f.message}`,
      `  shrunk from ${f.events.original} events to ${f.events.shrunk}, ${f.participants.original} participants to ${f.participants.shrunk}`,
      `  wrote      ${f.file}`,
      `  replay:    ${f.replay}`,
      `  reproduce: ${f.reproduce}`,
      '',
    );
  }
  if (interruption !== undefined) out.push(`interrupted (${interruption}): the summary of the ${plural(r.runs, 'run')} done`);
  out.push(...summary(r));
  const s = settingsOf(r);
  out.push(`seed ${s.seed}; reproduce: ${fuzzCommand(s, rulesArgument(s.rules), s.seed, s.runs, r.shard)}`);
  return `${out.join('\n')}\n`;
}
