/**
 * Reading a scenario as a stream (issue 15): the header first, then the events one by one, so a
 * file of any length is read in memory bounded by one event. The stream is a fast path only: it
 * never reports a problem itself. Whatever it cannot read exactly as the whole-document loader
 * would (a problem in an event, a layout it does not take), it gives up with `StreamFallback`,
 * and the caller reads the file again with `loadScenario`, which reports every problem in the
 * usual words.
 */

/** Thrown while the events of a streamed scenario are iterated: read the file whole instead. */
export class StreamFallback extends Error {
  constructor(readonly reason: string) {
    super(`the scenario cannot be streamed: ${reason}`);
    this.name = 'StreamFallback';
  }
}
