/**
 * The load floor (issue 15), run by the bench in a fresh process as `epochsim run --json` is:
 * reads FILE and parses it with js-yaml's `load` (yaml) or `JSON.parse` (json), nothing else.
 *
 *   node bench/floor-load.js FILE yaml|json
 */
import { readFileSync } from 'node:fs';

const [file, how] = process.argv.slice(2);
const text = readFileSync(file, 'utf8');
if (how === 'json') JSON.parse(text);
else {
  const { load } = await import('js-yaml');
  load(text);
}
