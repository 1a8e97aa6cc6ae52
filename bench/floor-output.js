/**
 * The output floor (issue 15), run by the bench in a fresh process: `epochsim run --json`'s own
 * document, read from FILE and parsed (not timed), written again the plainest way —
 * `JSON.stringify(document, null, 2)`, encoded and written to stdout in one call. The time of
 * that writing alone goes to stderr as `inner-ms N`, and `same-bytes yes|no` says whether the
 * text is FILE's, byte for byte.
 *
 *   node bench/floor-output.js FILE > /dev/null
 */
import { readFileSync, writeSync } from 'node:fs';

const original = readFileSync(process.argv[2], 'utf8');
const document = JSON.parse(original);
globalThis.gc?.();
const t0 = process.hrtime.bigint();
const text = `${JSON.stringify(document, null, 2)}\n`;
const bytes = Buffer.from(text);
for (let at = 0; at < bytes.length; ) at += writeSync(1, bytes, at);
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
process.stderr.write(`inner-ms ${ms.toFixed(1)} same-bytes ${text === original ? 'yes' : 'no'}\n`);
