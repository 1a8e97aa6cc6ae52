/**
 * `epochsim schema`: the JSON Schema of the scenario format, generated from the zod schema the
 * loader validates with (never written twice). Editors use it to validate and complete scenario
 * files; the bundled scenarios point at `scenarios/scenario.schema.json`, a copy of this output.
 */
import type { Command } from 'commander';
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

export function registerSchema(program: Command, cli: Cli): void {
  program
    .command('schema')
    .description('print the JSON Schema of scenario files (for editors and other tools)')
    .addHelpText(
      'after',
      `
The schema is generated from the one the loader validates with. It checks the shape of a file
(keys, types, events); declared names, exact amounts and the rules between fields are checked
when a scenario is loaded. Point an editor at it with a first line such as
  # yaml-language-server: $schema=./scenario.schema.json

Examples:
  $ epochsim schema > scenario.schema.json
  $ epochsim schema | jq '.properties.events.items.anyOf | length'
`,
    )
    .action(() => {
      cli.io.out(`${JSON.stringify(scenarioSchemaDocument(), null, 2)}\n`);
      cli.setExit(EXIT_OK);
    });
}
