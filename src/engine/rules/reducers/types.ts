import type { EventOf, EventType } from '../../../domain/scenario.js';
import type { TxContext } from '../ruleset.js';
import type { ChainState, Mutable } from '../../storage/state.js';

/** A case reducer mutates its draft (tx.ts; immer-style) and returns nothing; it throws TxError to fail. */
export type CaseReducer<T extends EventType> = (draft: Mutable<ChainState>, event: EventOf<T>, ctx: TxContext) => void;
