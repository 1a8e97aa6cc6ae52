/**
 * Reading a scenario file as a stream for a command (issue 15): the file is read in chunks and
 * its events handed over one at a time (scenario/stream.ts), so a file of any length is read in
 * bounded memory. It is a fast path only: whatever is unusual (stdin, a path that is not a
 * regular file, one larger than the limit, bytes that are not UTF-8, a layout the stream does not
 * take, any problem in the scenario) gives up, before the first event (undefined) or while the
 * events are iterated (StreamFallback), and the command then reads the file whole with
 * loadForCommand (shared.ts), which reports every problem in the usual words.
 */
import { streamScenario, StreamFallback, type StreamedScenario } from '../scenario/stream.js';
import type { Io } from './io.js';
import { DEFAULT_MAX_MIB, MIB, sourceName } from './shared.js';

/**
 * The scenario at `file`, its header read and checked and its events to be read as they are
 * iterated (once; they throw StreamFallback where the file must be read whole after all), or
 * undefined when it must be read whole now.
 */
export function streamForCommand(file: string, io: Io, maxMiB: number = DEFAULT_MAX_MIB, strictUnits = false): StreamedScenario | undefined {
  // (stdin is read whole: a stream that gave up half-way could not read it again)
  if (file === '-') return undefined;
  const streamed = streamScenario(givingUp(io.readChunks(file, maxMiB * MIB)), sourceName(file), { strictUnits });
  return streamed === 'not streamable' ? undefined : streamed.scenario;
}

/** The chunks, with any error reading them (a missing file, too large, not UTF-8…) made a StreamFallback. */
function* givingUp(chunks: Iterable<string>): Generator<string> {
  try {
    yield* chunks;
  } catch (error) {
    if (error instanceof StreamFallback) throw error;
    throw new StreamFallback(`the file could not be read in chunks (${error instanceof Error ? error.message : String(error)})`);
  }
}
