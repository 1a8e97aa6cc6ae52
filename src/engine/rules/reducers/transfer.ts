import { transferMutably } from '../../storage/bank.js';
import type { CaseReducer } from './types.js';

/** A plain bank send between accounts (MsgSend), memo `transfer`. */
export const transfer: CaseReducer<'transfer'> = (draft, event, ctx) => {
  transferMutably(draft, ctx, event.from, event.to, event.amount, 'transfer');
};
