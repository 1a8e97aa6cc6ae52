/**
 * Text kept for later, as UTF-8 bytes: in memory up to a bound, then in a temporary file
 * (Io.tempFile). How `run --json` holds its steps and transfers until the keys that come before
 * them are known. The text goes into off-heap buffers at once, so a long run leaves the garbage
 * collector nothing to trace but the step it is on.
 */
import { OutputError } from './exit.js';
import type { Io, TempFile } from './io.js';
import { describeError } from './oserror.js';

/** How many bytes a spool keeps in memory before it moves them to its file. */
export const SPOOL_MEMORY = 8 << 20;

/** How many code units are joined before they are written into a buffer. */
const PENDING = 1 << 14;

/** The size of the buffers text is written into. */
const CHUNK = 1 << 20;

export class Spool {
  /** Full buffers kept in memory (none once there is a file). */
  private held: Uint8Array[] = [];
  private heldBytes = 0;
  /** Buffers of this size (smaller than CHUNK only for a small bound, as in tests). */
  private readonly chunk: number;
  /** How many code units are joined before a write (PENDING, less for a small bound). */
  private readonly batch: number;
  private buffer: Buffer;
  private at = 0;
  private file: TempFile | undefined;
  /** How many pieces were added. */
  count = 0;

  constructor(
    private readonly io: Io,
    private readonly bound: number = SPOOL_MEMORY,
  ) {
    this.chunk = Math.min(CHUNK, bound);
    this.batch = Math.min(PENDING, Math.ceil(this.chunk / 3));
    this.buffer = Buffer.allocUnsafe(this.chunk);
  }

  /** Text not yet in a buffer: pieces are joined into bigger writes (fewer calls into Buffer). */
  private pending = '';

  add(text: string): void {
    this.count++;
    this.pending += text;
    if (this.pending.length >= this.batch) this.write();
  }

  private write(): void {
    const text = this.pending;
    this.pending = '';
    // (a UTF-16 code unit is at most 3 bytes of UTF-8)
    if (text.length * 3 > this.chunk - this.at) {
      this.finishBuffer();
      if (text.length * 3 > this.chunk) {
        this.keep(Buffer.from(text, 'utf8'));
        return;
      }
    }
    this.at += this.buffer.write(text, this.at, 'utf8');
  }

  private finishBuffer(): void {
    if (this.at === 0) return;
    const full = this.buffer.subarray(0, this.at);
    this.at = 0;
    // with a file the bytes are written at once and the buffer can be used again
    if (this.file === undefined) this.buffer = Buffer.allocUnsafe(this.chunk);
    this.keep(full);
  }

  private keep(bytes: Uint8Array): void {
    if (this.file === undefined && this.heldBytes + bytes.length <= this.bound) {
      this.held.push(bytes);
      this.heldBytes += bytes.length;
      return;
    }
    try {
      if (this.file === undefined) {
        this.file = this.io.tempFile();
        for (const b of this.held) this.file.append(b);
        this.held = [];
        this.heldBytes = 0;
      }
      this.file.append(bytes);
    } catch (error) {
      // (a full disk, a temporary folder that is not writable: nothing was printed yet)
      throw new OutputError(`epochsim: the output was lost: writing a temporary file failed: ${describeError(error)} (TMPDIR names the folder)\n`);
    }
  }

  /** Writes what is pending: then `chunks` cannot fail on the file (call it before printing anything). */
  seal(): void {
    if (this.pending !== '') this.write();
  }

  /** Everything added, in order, as UTF-8 bytes: the file's, then those still in memory (after seal). */
  *chunks(): Iterable<Uint8Array> {
    this.seal();
    if (this.file) yield* this.file.read();
    yield* this.held;
    if (this.at > 0) yield this.buffer.subarray(0, this.at);
  }

  /** Forgets everything and removes the file; the spool can be used again. */
  discard(): void {
    const file = this.file;
    this.file = undefined;
    this.held = [];
    this.heldBytes = 0;
    this.at = 0;
    this.count = 0;
    this.pending = '';
    file?.remove();
  }
}
