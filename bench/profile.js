/**
 * Where a replay's time goes (issue 15): the samples of a V8 CPU profile (the inspector's
 * `Profiler.stop` result, or a `.cpuprofile` file) added up by a label that a classifier gives
 * each sample's stack. Pure: no inspector, no clock.
 */

/**
 * Microseconds per label. `classify(stack)` gets the sample's function names from the sampled
 * function up to the root and returns a label. A sample's weight is its time delta, as V8 records
 * it (the time since the previous sample).
 */
export function attribute(profile, classify) {
  const byId = new Map();
  const parent = new Map();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const stacks = new Map();
  const stackOf = (id) => {
    let stack = stacks.get(id);
    if (stack === undefined) {
      stack = [];
      for (let at = id; at !== undefined; at = parent.get(at)) stack.push(byId.get(at).callFrame.functionName);
      stacks.set(id, stack);
    }
    return stack;
  };
  const totals = new Map();
  profile.samples.forEach((id, i) => {
    const label = classify(stackOf(id));
    totals.set(label, (totals.get(label) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  return totals;
}

/** Functions of the invariants (invariants.ts, and the step that calls them). */
const INVARIANTS = new Set(['checkStep', 'advance', 'forChanges', 'balanceChanged', 'participantChanged', 'escrowChanged', 'inferencesChanged', 'surplusOf', 'supplyOf', 'obligations', 'recount']);
/** Functions of the transaction and the replay loop (tx.ts, reducers/index.ts, run.ts). */
const TRANSACTION = new Set(['runScenario', 'applyEvent', 'transact', 'reduce', 'draftOf', 'unchanged', 'seal', 'writesOf', 'sealed', 'writtenSince', 'stepRecord', 'describeExpectation']);

/**
 * The classifier for epochsim's replay: an event type when the sample is inside its reducer
 * (`reducerNames` maps function names to event types), else the invariants (after every event,
 * and the recount at the end), the transaction and the loop around the reducers, or the
 * collector. The nearest known function decides. A function V8 inlined may be missing from a
 * stack (the replay loop compiled on stack shows as its caller): `caller` names the bench's
 * function that calls `runScenario`, and a sample with no known function under it counts as
 * the loop. Anything else (module loading, the profiler) is `outside`.
 */
export function replayClassifier(reducerNames, caller) {
  return (stack) => {
    if (stack[0] === '(garbage collector)') return 'garbage collection';
    for (const name of stack) {
      const type = reducerNames.get(name);
      if (type !== undefined) return type;
      if (INVARIANTS.has(name)) return 'invariants';
      if (TRANSACTION.has(name) || name === caller) return 'transaction';
    }
    return 'outside';
  };
}

/** The classifier for a floor: its own function, the collector, or outside. */
export function floorClassifier(floorName) {
  return (stack) => {
    if (stack[0] === '(garbage collector)') return 'garbage collection';
    return stack.includes(floorName) ? 'floor' : 'outside';
  };
}
