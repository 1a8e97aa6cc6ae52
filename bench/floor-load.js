/**
 * The load floor (issue 15), run by the bench in a fresh process as `epochsim run --json` is:
 * reads FILE and parses it with js-yaml's `load` (yaml) or `JSON.parse` (json), nothing else.
 * The time of the parse alone goes to stderr as `inner-ms N`.
 *
 *   node bench/floor-load.js FILE yaml|json
 */
import { readFileSync } from 'node:fs';

const [file, how] = process.argv.slice(2);
const text = readFileSync(file, 'utf8');
const { load } = how === 'json' ? { load: JSON.parse } : await import('js-yaml');
const t0 = process.hrtime.bigint();
load(text);
process.stderr.write(`inner-ms ${(Number(process.hrtime.bigint() - t0) / 1e6).toFixed(1)}\n`);
