/**
 * The `explore --json` document and its JSON Schema (zod, like run --json's): the settings, and
 * per search its counts per depth, how it stopped, the visited set's size, and every violation
 * (a shortest path, as scenario event lines, and the file it was written to) and known
 * divergence. Deterministic: no timings (they go to stderr).
 */
import { z } from 'zod';
import { eventLine } from '../fuzz/yaml.js';
import type { FoundViolation, SearchResult } from './search.js';

export const EXPLORE_JSON_FORMAT = 1;

const count = z.number().int().min(0);

const found = z.strictObject({
  property: z.string().meta({ description: 'invariant:<name>, divergence:<id>, differential or crash' }),
  rules: z.string().meta({ description: 'the ruleset, or deferred/immediate for the differential' }),
  depth: count.meta({ description: 'the length of the path: no shorter path has it' }),
  message: z.string(),
  transitions: count.meta({ description: 'transitions that had it' }),
  events: z.array(z.string()).meta({ description: "the path's events, as lines of a scenario's events list" }),
  file: z.string().optional().meta({ description: 'the scenario written for it (violations)' }),
});

const search = z.strictObject({
  rules: z.string(),
  kind: z.enum(['rules', 'differential']).meta({ description: "rules: one ruleset's invariants and known divergences; differential: deferred against immediate over the clean actions" }),
  status: z.enum(['complete', 'exhausted', 'max_states', 'interrupted']).meta({
    description: 'complete: every path up to the depth; exhausted: no new state at some depth, so every path of any length; max_states / interrupted: stopped early',
  }),
  alphabet: count.meta({ description: 'actions in the alphabet at the full depth' }),
  depth_reached: count,
  depth_complete: count.meta({ description: 'every path up to this length was checked' }),
  states: count,
  transitions: count,
  failed_transitions: count.meta({ description: 'transitions whose event failed (the state does not change)' }),
  per_depth: z.array(z.strictObject({ depth: count, states: count, transitions: count, failed: count })),
  visited_bytes: count.meta({ description: 'the visited set (hashes of the canonical encodings)' }),
  tree_bytes: count.meta({ description: 'the tree of parent links that gives each state its path' }),
  violations: z.array(found),
  divergences: z.array(found).meta({ description: 'known divergences, counted (failures only with --strict)' }),
});

export const exploreDocumentSchema = z
  .strictObject({
    format_version: z.literal(EXPLORE_JSON_FORMAT),
    depth: count,
    from: z.string().nullable().meta({ description: 'the scenario file whose genesis was explored, or null for the generated one' }),
    participants: z.array(z.string()),
    symmetry: z.array(z.array(z.string())).meta({ description: 'classes of interchangeable participants (singletons without --symmetry)' }),
    strict: z.boolean(),
    events: z.array(z.string()),
    amounts: z.array(z.string().regex(/^[0-9]+$/)),
    slots: z.array(z.string()),
    max_states: count.nullable(),
    searches: z.array(search),
    failures: count.meta({ description: 'violations over all searches' }),
    interrupted: z.boolean(),
  })
  .meta({ title: 'epochsim explore --json', description: `The document epochsim explore --json prints (format_version ${EXPLORE_JSON_FORMAT}).` });

export type ExploreDocument = z.infer<typeof exploreDocumentSchema>;

/** The JSON Schema (draft 2020-12) of the `explore --json` document. */
export function exploreJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(exploreDocumentSchema, { unrepresentable: 'any' }) as Record<string, unknown>;
}

export interface ExploreSettings {
  readonly depth: number;
  readonly from: string | undefined;
  readonly participants: readonly string[];
  readonly classes: readonly (readonly string[])[];
  readonly strict: boolean;
  readonly kinds: readonly string[];
  readonly amounts: readonly bigint[];
  readonly slots: readonly string[];
  readonly maxStates: number | undefined;
}

const foundJson = (f: FoundViolation, file: string | undefined): z.infer<typeof found> => ({
  property: f.property,
  rules: f.rules,
  depth: f.depth,
  message: f.message,
  transitions: f.transitions,
  events: f.events.map(eventLine),
  ...(file === undefined ? {} : { file }),
});

/** The document of a run of explore; `fileOf` names the file a violation was written to. */
export function exploreJson(
  s: ExploreSettings,
  results: readonly SearchResult[],
  interrupted: boolean,
  fileOf: (f: FoundViolation) => string | undefined,
): ExploreDocument {
  return {
    format_version: EXPLORE_JSON_FORMAT,
    depth: s.depth,
    from: s.from ?? null,
    participants: [...s.participants],
    symmetry: s.classes.map((c) => [...c]),
    strict: s.strict,
    events: [...s.kinds],
    amounts: s.amounts.map(String),
    slots: [...s.slots],
    max_states: s.maxStates ?? null,
    searches: results.map((r) => ({
      rules: r.name,
      kind: r.name.includes('/') ? 'differential' : 'rules',
      status: r.status,
      alphabet: r.alphabet,
      depth_reached: r.depth,
      depth_complete: r.depthComplete,
      states: r.states,
      transitions: r.transitions,
      failed_transitions: r.failed,
      per_depth: r.perDepth.map((d) => ({ ...d })),
      visited_bytes: r.visitedBytes,
      tree_bytes: r.treeBytes,
      violations: r.violations.map((v) => foundJson(v, fileOf(v))),
      divergences: r.divergences.map((v) => foundJson(v, undefined)),
    })),
    failures: results.reduce((a, r) => a + r.violations.length, 0),
    interrupted,
  };
}
