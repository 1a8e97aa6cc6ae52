/**
 * `fuzz --shard auto`: which shard of a campaign this process is, read from the environment a
 * scheduler gives each task of a job array:
 *
 * - Kubernetes Indexed Job: `JOB_COMPLETION_INDEX` (0 … completions − 1); the count is not in the
 *   environment, so it comes from `--shards N` or `EPOCHSIM_SHARDS` (the Job's `completions`);
 * - Slurm job array: `SLURM_ARRAY_TASK_ID`, `SLURM_ARRAY_TASK_COUNT`, and `SLURM_ARRAY_TASK_MIN`
 *   and `SLURM_ARRAY_TASK_STEP` when the array does not start at 0 or steps (`--array=1-8`,
 *   `--array=0-30:10`): shard (id − min) / step of count.
 *
 * GitHub Actions matrices and GNU parallel name the shard on the command line (`--shard i/n`).
 */
import type { Shard } from '../fuzz/campaign.js';

export type ShardFromEnv = { readonly ok: true; readonly shard: Shard; readonly source: string } | { readonly ok: false; readonly message: string };

const DIGITS = /^[0-9]{1,15}$/;

/** A variable's value as a whole number, or why it is not one. */
function whole(env: Readonly<Record<string, string | undefined>>, name: string): number | string | undefined {
  const text = env[name];
  if (text === undefined || text === '') return undefined;
  return DIGITS.test(text.trim()) ? Number(text.trim()) : `${name} is ${JSON.stringify(text)}, not a whole number`;
}

const NONE =
  'no scheduler index in the environment: JOB_COMPLETION_INDEX (a Kubernetes Indexed Job, with --shards N) or SLURM_ARRAY_TASK_ID (a Slurm job array); elsewhere give --shard i/n';

/** The shard `--shard auto` stands for, given the environment and `--shards N` (if given). */
export function shardFromEnv(env: Readonly<Record<string, string | undefined>>, shards: number | undefined): ShardFromEnv {
  const fail = (message: string): ShardFromEnv => ({ ok: false, message });
  const k8s = whole(env, 'JOB_COMPLETION_INDEX');
  const slurm = whole(env, 'SLURM_ARRAY_TASK_ID');
  if (k8s !== undefined && slurm !== undefined) {
    return fail('both JOB_COMPLETION_INDEX (Kubernetes) and SLURM_ARRAY_TASK_ID (Slurm) are set: give --shard i/n');
  }
  if (typeof k8s === 'string') return fail(k8s);
  if (typeof slurm === 'string') return fail(slurm);
  const check = (index: number, count: number, source: string): ShardFromEnv =>
    index < count ? { ok: true, shard: { index, count }, source } : fail(`${source} gives shard ${index} of ${count}: the index must be below the count`);
  if (k8s !== undefined) {
    const fromEnv = whole(env, 'EPOCHSIM_SHARDS');
    if (typeof fromEnv === 'string') return fail(fromEnv);
    if (shards !== undefined && fromEnv !== undefined && shards !== fromEnv) return fail(`--shards ${shards} and EPOCHSIM_SHARDS=${fromEnv} differ`);
    const count = shards ?? fromEnv;
    if (count === undefined) return fail('JOB_COMPLETION_INDEX is set, but not the shard count: give --shards N (the Job\'s completions) or set EPOCHSIM_SHARDS');
    if (count < 1) return fail('the shard count must be at least 1');
    return check(k8s, count, 'JOB_COMPLETION_INDEX');
  }
  if (slurm !== undefined) {
    const count = whole(env, 'SLURM_ARRAY_TASK_COUNT');
    const min = whole(env, 'SLURM_ARRAY_TASK_MIN') ?? 0;
    const step = whole(env, 'SLURM_ARRAY_TASK_STEP') ?? 1;
    if (typeof count === 'string') return fail(count);
    if (typeof min === 'string') return fail(min);
    if (typeof step === 'string') return fail(step);
    if (count === undefined) return fail('SLURM_ARRAY_TASK_ID is set, but not SLURM_ARRAY_TASK_COUNT');
    const [n, lo, by] = [count, min, step];
    if (n < 1 || by < 1) return fail('SLURM_ARRAY_TASK_COUNT and SLURM_ARRAY_TASK_STEP must be at least 1');
    if (shards !== undefined && shards !== n) return fail(`--shards ${shards} differs from SLURM_ARRAY_TASK_COUNT=${n}`);
    if (slurm < lo || (slurm - lo) % by !== 0) {
      return fail(`SLURM_ARRAY_TASK_ID=${slurm} is not min + k × step (min ${lo}, step ${by}): use an evenly spaced array such as --array=0-${n - 1}`);
    }
    return check((slurm - lo) / by, n, 'SLURM_ARRAY_TASK_ID');
  }
  return fail(NONE);
}
