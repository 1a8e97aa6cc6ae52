/**
 * A replay kept step by step for `explain` and `compare`: the run's result plus what the
 * engine's observer showed of every item (states before and after, transfers, decisions).
 * States are immutable and share structure, so keeping one per step is cheap.
 */
import type { RuleName, Scenario } from '../../domain/scenario.js';
import { runScenario, type RunResult, type StepView } from '../../engine/replay/run.js';
import type { ChainState } from '../../engine/storage/state.js';

export interface Replay {
  readonly scenario: Scenario;
  readonly run: RunResult;
  /** One view per scenario item, in order (views[i] is the item with index i + 1). */
  readonly views: readonly StepView[];
}

export function replay(scenario: Scenario, rules?: RuleName): Replay {
  const views: StepView[] = [];
  const run = runScenario(scenario, { rules, observe: (view) => views.push(view) });
  return { scenario, run, views };
}

/** The state an item leaves behind (a checkpoint changes nothing). */
export function stateAfter(view: StepView): ChainState {
  return view.kind === 'event' ? view.after : view.state;
}

/** The state an item starts from. */
export function stateBefore(view: StepView): ChainState {
  return view.kind === 'event' ? view.before : view.state;
}
