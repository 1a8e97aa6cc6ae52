/**
 * What the parts of `explain` share: lines of prose under construction, the context a step is
 * explained in, and small lookups over the decisions the reducers recorded and the steps before.
 * Pure text; nothing here knows a rule.
 */
import type { RuleName } from '../../domain/scenario.js';
import { RULESETS } from '../../engine/rules/registry.js';
import type { Ruleset } from '../../engine/rules/ruleset.js';
import type { StepView } from '../../engine/replay/run.js';
import type { World } from '../../engine/storage/state.js';
import type { Decision } from '../../engine/trace.js';
import { wrap, type Paint } from './layout.js';
import type { Replay } from './replay.js';

export type EventView = Extract<StepView, { kind: 'event' }>;
export type CheckView = Extract<StepView, { kind: 'expect' }>;
export type DecisionOf<K extends Decision['kind']> = Extract<Decision, { kind: K }>;

/** Lines under construction: prose is wrapped at the width, then painted line by line. */
export class Text {
  readonly lines: string[] = [];
  constructor(readonly width: number) {}

  para(text: string, paint?: Paint, first = '', rest = first): this {
    for (const line of wrap(text, this.width, first, rest)) this.lines.push(paint ? paint(line) : line);
    return this;
  }

  bullet(text: string, paint?: Paint): this {
    return this.para(text, paint, '  - ', '    ');
  }

  raw(lines: readonly string[]): this {
    this.lines.push(...lines);
    return this;
  }

  blank(): this {
    if (this.lines.length > 0 && this.lines[this.lines.length - 1] !== '') this.lines.push('');
    return this;
  }
}

/** What a step's explanation needs besides its view. */
export interface StepContext {
  readonly replay: Replay;
  readonly world: World;
  /** Position of the view in replay.views. */
  readonly position: number;
}

export const rulesetOf = (ctx: StepContext): Ruleset => RULESETS[ctx.replay.run.rules];

/** The chain version (or design) each ruleset stands for, said where its rules are named. */
const ORIGIN: Readonly<Record<RuleName, string>> = {
  deferred: ' (PR #1000)',
  immediate: ' (the chain before PR #1000)',
  'v0.2.11': ' (V0211, the first subnet escrow)',
  'fees-kept': ' (FEESTAY)',
  'fees-split': ' (FEESPLIT)',
  'pr-1000': ' (PR #1000 as coded)',
  'v0.2.12': ' (V0212)',
  newest: ' (NEWEST)',
};

/** "the deferred rules (PR #1000)". */
export const rulesWords = (ctx: StepContext): string => `the ${ctx.replay.run.rules} rules${ORIGIN[ctx.replay.run.rules]}`;

/** True for deferred and immediate (the v1 reward math: no capping, debt carried). */
export const isV1 = (rules: RuleName): boolean => RULESETS[rules].rewardMath === undefined;

export const decisionsOf = <K extends Decision['kind']>(decisions: readonly Decision[], kind: K): DecisionOf<K>[] =>
  decisions.filter((d): d is DecisionOf<K> => d.kind === kind);

/** The last successful event view before the current one that satisfies `match`. */
export function stepBefore(ctx: StepContext, match: (view: EventView) => boolean): EventView | undefined {
  for (let i = ctx.position - 1; i >= 0; i--) {
    const v = ctx.replay.views[i];
    if (v?.kind === 'event' && v.record.status === 'ok' && match(v)) return v;
  }
  return undefined;
}

/** Amounts in percent for the few shares the chain uses: 400‰ → "40%", 37‰ → "3.7%". */
export function percentOfPermille(permille: number): string {
  return permille % 10 === 0 ? `${permille / 10}%` : `${(permille / 10).toFixed(1)}%`;
}

export const q = (s: string): string => `"${s}"`;
