/**
 * A transaction error: the event fails as a Cosmos transaction would, the draft is discarded and
 * the state stays exactly as it was. The message is the chain's text where it has one.
 */
export class TxError extends Error {
  constructor(message: string) {
    // A failed transaction is an outcome, not a fault: no stack trace is captured (capturing
    // one cost several µs per failed event, and fuzz campaigns fail many).
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
    this.name = 'TxError';
  }
}
