/**
 * epochsim as a library: load a scenario, replay it under a ruleset, read every step's effects,
 * failures and decisions, and the `run --json` document. Nothing here touches the process, files
 * or the terminal. The package's one entry point (`import … from 'epochsim'`); README "Library".
 */

// money and the scenario's types
export * from './domain/money.js';
export * from './domain/scenario.js';

// loading: YAML text → a typed scenario, or located issues with codes
export { loadScenario, type LoadResult, type LoadOptions } from './scenario/load.js';
export { renderIssue, plainPalette, INPUT_ISSUE_CODES, type InputIssue, type InputIssueCode, type Palette } from './scenario/issues.js';

// replaying
export {
  runScenario,
  effectiveRules,
  type RunResult,
  type RunOptions,
  type ReplayInput,
  type StepSink,
  type StepRecord,
  type StepView,
  type CheckRecord,
  type TransferRecord,
  type Violation,
  type DivergenceRecord,
} from './engine/replay/run.js';
export { applyEvent, REDUCERS, type TxOutcome, type Env } from './engine/rules/reducers/index.js';
export { runToJson, runJsonText, canonicalJson, RUN_JSON_FORMAT, type Json } from './engine/replay/json.js';
export { RunJsonWriter, runJsonDocument, type RunJsonParts, type RunJsonPieces, type Quote } from './engine/replay/jsonWriter.js';
export { runJsonParts } from './engine/replay/json.js';
export { runJsonSchema } from './engine/replay/runJsonSchema.js';
export { recount, surplusOf, type Totals } from './engine/replay/invariants.js';

// the state and its queries
export { genesis, type ChainState, type World, type ParticipantState, type Escrow, type SettleAmount, type Summary } from './engine/storage/state.js';
export * from './engine/storage/queries.js';

// the rulesets, and their words
export { RULESETS, DEFAULT_RULES } from './engine/rules/registry.js';
export type { Ruleset, SettleRules, RewardMath, StatusRules, TxContext, Transfer } from './engine/rules/ruleset.js';
export { RULESET_WORDS, type RulesetWords } from './words/rulesets.js';
export { decayedEpochReward, epochRewardPool } from './engine/rules/reward.js';

// what a step reports, as data
export type { Effect, EffectKind, LedgerReason, SettleOp } from './engine/effects.js';
export { TxError, TX_ERROR_CODES, failureOf, type TxErrorCode, type TxErrorData, type FailureData, type HostStatField } from './engine/errors.js';
export type { Decision, DivergenceDetail, DivergenceId } from './engine/trace.js';
export { DIVERGENCE_SOURCES, divergenceMessage } from './words/divergences.js';
