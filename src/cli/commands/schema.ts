/**
 * `epochsim schema`: the JSON Schema of the scenario format, generated from the zod schema the
 * loader validates with (never written twice). Editors use it to validate and complete scenario
 * files; the bundled scenarios point at `scenarios/scenario.schema.json`, a copy of this output.
 */
import { Option, type Command } from 'commander';
import { runJsonSchema } from '../../engine/replay/runJsonSchema.js';
import { exploreJsonSchema } from '../../explore/report.js';
import { fuzzReportJsonSchema } from '../../fuzz/report.js';
import { sweepJsonSchema } from '../../sweep/sweep.js';
import { scenarioJsonSchema } from '../../scenario/schema.js';
import { EXIT_OK, type Cli } from '../shared.js';

/** The printed schema: zod's, with a title and a description in front. */
export function scenarioSchemaDocument(): Record<string, unknown> {
  const { $schema, ...rest } = scenarioJsonSchema();
  return {
    $schema,
    title: 'epochsim scenario',
    description:
      'A scenario replayed by epochsim (Gonka devshard payouts). Amounts are integer ngonka or "<decimal> gonka". ' +
      'The schema checks the shape; names, amounts and cross-field rules are checked by `epochsim run`.',
    ...rest,
  };
}

/** The documents `schema --output` can describe. */
const OUTPUTS = ['scenario', 'run', 'fuzz-report', 'sweep', 'explore'] as const;
type Output = (typeof OUTPUTS)[number];

function documentOf(output: Output): Record<string, unknown> {
  if (output === 'run') return runJsonSchema();
  if (output === 'fuzz-report') return fuzzReportJsonSchema();
  if (output === 'sweep') return sweepJsonSchema();
  if (output === 'explore') return exploreJsonSchema();
  return scenarioSchemaDocument();
}

export function registerSchema(program: Command, cli: Cli): void {
  program
    .command('schema')
    .description('print the JSON Schema of scenario files, or of what a command prints (--output)')
    .addOption(
      new Option('--output <document>', 'the document: scenario (a scenario file, the default), run (run --json), fuzz-report (fuzz --report), sweep (sweep --json) or explore (explore --json)')
        .choices(OUTPUTS)
        .default('scenario'),
    )
    .addHelpText(
      'after',
      `
The scenario schema is generated from the one the loader validates with. It checks the shape of a
file (keys, types, events); declared names, exact amounts and the rules between fields are checked
when a scenario is loaded. Point an editor at it with a first line such as
  # yaml-language-server: $schema=./scenario.schema.json
--output run describes the document run --json prints (its format_version, every step's effects,
a failed step's error_code and error_data); tools that read that document can validate it.
--output fuzz-report describes the campaign report of fuzz --report and fuzz merge --report;
--output sweep the document sweep --json prints.
--output explore describes the report explore --json prints (per search its states, transitions
and per-depth counts, how it stopped, its violations with their shortest paths).

Examples:
  $ epochsim schema > scenario.schema.json
  $ epochsim schema --output run | jq '.properties.steps.items.properties.effects.items.oneOf | length'
`,
    )
    .action((opts: { output: Output }) => {
      cli.io.out(`${JSON.stringify(documentOf(opts.output), null, 2)}\n`);
      cli.setExit(EXIT_OK);
    });
}
