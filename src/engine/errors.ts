/**
 * A transaction error: the event fails as a Cosmos transaction would, the draft is discarded and
 * the state stays exactly as it was. The message is the chain's text where it has one.
 */
export class TxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TxError';
  }
}
