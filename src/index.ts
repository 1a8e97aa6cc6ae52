/**
 * epochsim as a library: load a scenario, replay it, read the outcome. Nothing here touches the
 * process, files or the terminal.
 */
export * from './domain/money.js';
export * from './domain/scenario.js';
export { loadScenario, type LoadResult } from './scenario/load.js';
export { renderIssue, type InputIssue } from './scenario/issues.js';
export { runScenario, effectiveRules, type RunResult, type RunOptions, type StepRecord, type CheckRecord, type TransferRecord, type Violation, type DivergenceRecord } from './engine/replay/run.js';
export { applyEvent, REDUCERS, type TxOutcome, type Env } from './engine/rules/reducers/index.js';
export { genesis, type ChainState, type World, type ParticipantState, type Escrow, type SettleAmount, type Summary } from './engine/storage/state.js';
export { RULESETS, DEFAULT_RULES } from './engine/rules/registry.js';
export type { Ruleset } from './engine/rules/ruleset.js';
export { runToJson, canonicalJson, type Json } from './engine/replay/json.js';
export { recount, surplusOf, type Totals } from './engine/replay/invariants.js';
export { decayedEpochReward, epochRewardPool } from './engine/rules/reward.js';
export { TxError } from './engine/errors.js';
export * from './engine/storage/queries.js';
