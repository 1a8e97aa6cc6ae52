/**
 * `run --json` written as the replay goes (issue 15). The document's keys are sorted, so `steps`
 * and `transfers` come after keys only known at the end (bank, checks, …): each step's text and
 * each transfer's are written into a spool (spool.ts: memory up to a bound, then a temporary
 * file), and when the run has finished the document goes to stdout in order, in chunks that wait
 * for the reader. Nothing reaches stdout before the run is done, so an input found bad late still
 * exits 2 with stdout empty. Memory stays bounded by the chain state, not by the number of steps.
 */
import type { Scenario } from '../domain/scenario.js';
import { runJsonParts } from '../engine/replay/json.js';
import { RunJsonWriter, runJsonDocument } from '../engine/replay/jsonWriter.js';
import { runScenario, type ReplayInput, type RunOptions, type RunResult } from '../engine/replay/run.js';
import { StreamFallback } from '../scenario/stream.js';
import { EXIT_FAILED, EXIT_INPUT, EXIT_INTERRUPTED, EXIT_OK, EXIT_TERMINATED } from './exit.js';
import type { InterruptSignal, Io } from './io.js';
import { Spool, SPOOL_MEMORY } from './spool.js';
import { terminalSafe } from './terminal.js';

/** A character JSON.stringify escapes, or terminalSafe might (anything but printable ASCII, `"` and a backslash). */
const SPECIAL = /[^\x20\x21\x23-\x5b\x5d-\x7e]/;

/**
 * A JSON string literal as it may reach the terminal: terminalSafe of JSON.stringify, which is
 * what main.ts's escaping of the whole text made of it (JSON.stringify escapes C0 controls and
 * lone surrogates; the rest of the document is printable ASCII and line feeds).
 */
const terminalQuote = (text: string): string => (SPECIAL.test(text) ? terminalSafe(JSON.stringify(text)) : `"${text}"`);

/** How many code units of text are gathered before a write to stdout. */
const GATHER = 1 << 16;

export interface RunJsonOptions {
  readonly rules?: RunOptions['rules'];
  /** How many code units each spool keeps in memory (tests make it small). */
  readonly spoolMemory?: number;
}

/**
 * Replays `first()` and prints its `run --json` document. When its items give up with
 * StreamFallback (a streamed read that cannot go on), everything spooled is dropped and the
 * replay starts again from `whole()`, the whole-document loader, whose errors the user sees as
 * usual. Either loader returns undefined after reporting bad input: exit 2, stdout empty.
 */
export async function writeRunJson(first: () => ReplayInput | undefined, whole: () => Scenario | undefined, options: RunJsonOptions, io: Io): Promise<number> {
  const writer = new RunJsonWriter(terminalQuote);
  const steps = new Spool(io, options.spoolMemory ?? SPOOL_MEMORY);
  const transfers = new Spool(io, options.spoolMemory ?? SPOOL_MEMORY);
  const replay = (input: ReplayInput): RunResult =>
    runScenario(input, {
      rules: options.rules,
      keepTrace: false,
      sink: {
        step: (record, moved) => {
          steps.add(writer.stepText(record, steps.count === 0));
          for (const t of moved) transfers.add(writer.transferText(record.index, t, transfers.count === 0));
        },
      },
    });
  let interrupted: InterruptSignal | undefined;
  let stopListening: (() => void) | undefined;
  try {
    const input = first();
    if (input === undefined) return EXIT_INPUT;
    let result: RunResult;
    try {
      result = replay(input);
    } catch (error) {
      if (!(error instanceof StreamFallback)) throw error;
      steps.discard();
      transfers.discard();
      const scenario = whole();
      if (scenario === undefined) return EXIT_INPUT;
      result = replay(scenario);
    }
    // the last bytes into the spools now: a full temporary folder is found before anything is printed
    steps.seal();
    transfers.seal();
    const document = runJsonDocument(
      { parts: runJsonParts(result), steps: { count: steps.count, text: steps }, transfers: { count: transfers.count, text: transfers } },
      terminalSafe,
    );
    // Ctrl-C while printing stops between chunks (during the replay it ends the process as
    // usual: the temporary files are already unlinked).
    stopListening = io.onInterrupt((signal) => {
      interrupted ??= signal;
    });
    // Small texts (an escrow, an epoch's summaries) are gathered into writes of 64 KiB or more.
    let gathered = '';
    const write = async (chunk: string | Uint8Array): Promise<'lost' | InterruptSignal | undefined> => {
      // a failed write: main.ts reports it from flush and exits 74
      if (!(await io.outSafe(chunk))) return 'lost';
      await io.breathe();
      return interrupted;
    };
    let stop: 'lost' | InterruptSignal | undefined;
    printing: for (const piece of document) {
      if (typeof piece === 'string') {
        gathered += piece;
        if (gathered.length < GATHER) continue;
      }
      if (gathered !== '') {
        stop = await write(gathered);
        gathered = '';
        if (stop !== undefined) break;
      }
      if (typeof piece === 'string') continue;
      for (const chunk of piece.chunks()) {
        stop = await write(chunk);
        if (stop !== undefined) break printing;
      }
    }
    if (stop === undefined && gathered !== '') stop = await write(gathered);
    if (stop === 'SIGINT' || stop === 'SIGTERM') {
      io.err(`epochsim: run: interrupted (${stop === 'SIGINT' ? 'Ctrl-C' : 'SIGTERM'}); the JSON on stdout is incomplete\n`);
      return stop === 'SIGINT' ? EXIT_INTERRUPTED : EXIT_TERMINATED;
    }
    return result.ok ? EXIT_OK : EXIT_FAILED;
  } finally {
    stopListening?.();
    steps.discard();
    transfers.discard();
  }
}
