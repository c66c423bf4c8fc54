import type { FileHandle } from "node:fs/promises";

/** Bytes of one chunk handed to the file system. */
const CHUNK_BYTES = 4 * 2 ** 20;
/** Room left at the end of a chunk so one record always fits after `needsFlush()` said no. */
const SLACK_BYTES = 64 * 2 ** 10;

/** "00" to "99" as ASCII byte pairs. */
const DIGIT_PAIRS = Uint8Array.from(
  { length: 200 },
  (_, i) => 48 + (i & 1 ? (i >> 1) % 10 : Math.floor((i >> 1) / 10)),
);

/**
 * Writes text into big reusable buffers and hands them to a file, one write in flight at a time:
 * generation fills one buffer while the other is written, and waits when the disk is behind
 * (backpressure), so memory stays at two chunks whatever the file size. Without a file it only
 * counts bytes (used to compute expected results without writing).
 */
export class ByteSink {
  private buf = Buffer.allocUnsafe(CHUNK_BYTES);
  private spare = Buffer.allocUnsafe(CHUNK_BYTES);
  private pos = 0;
  private flushed = 0;
  private inFlight: Promise<void> | null = null;

  constructor(private readonly file: FileHandle | null) {}

  /** Bytes written so far, including those still buffered. */
  get bytes(): number {
    return this.flushed + this.pos;
  }

  /** Whether the buffer is full enough that the caller should `await flush()` before the next record. */
  needsFlush(): boolean {
    return this.pos >= CHUNK_BYTES - SLACK_BYTES;
  }

  /** Hands the buffered bytes to the file; resolves once the previous chunk is on its way. */
  async flush(): Promise<void> {
    if (this.inFlight) await this.inFlight;
    this.inFlight = null;
    if (this.pos === 0) return;
    const full = this.buf;
    const length = this.pos;
    this.buf = this.spare;
    this.spare = full;
    this.flushed += length;
    this.pos = 0;
    if (this.file) this.inFlight = writeAll(this.file, full, length);
  }

  /** Flushes everything and waits until it is written. */
  async drain(): Promise<void> {
    await this.flush();
    if (this.inFlight) await this.inFlight;
    this.inFlight = null;
  }

  /** Waits for a write still in flight, ignoring its failure: call before closing the file on an error path. */
  async settle(): Promise<void> {
    await this.inFlight?.catch(() => {});
    this.inFlight = null;
  }

  /** One byte (an ASCII character code). */
  byte(code: number): void {
    this.buf[this.pos++] = code;
  }

  /** Pre-encoded bytes. */
  raw(bytes: Uint8Array): void {
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < bytes.length; i++) buf[pos++] = bytes[i]!;
    this.pos = pos;
  }

  /** `length` bytes of `bytes` from `start`. */
  slice(bytes: Uint8Array, start: number, length: number): void {
    const buf = this.buf;
    let pos = this.pos;
    for (let i = start, end = start + length; i < end; i++) buf[pos++] = bytes[i]!;
    this.pos = pos;
  }

  /** Any text, UTF-8 encoded. */
  text(s: string): void {
    if (s.length * 3 > this.buf.length - this.pos) this.grow(s.length * 3);
    this.pos += this.buf.write(s, this.pos, "utf8");
  }

  /** A non-negative integer left-padded with zeros to `width` digits, two digits at a time. */
  padded(n: number, width: number): void {
    if (n > 0x7fffffff) {
      this.text(String(n).padStart(width, "0"));
      return;
    }
    const buf = this.buf;
    let at = this.pos + width;
    this.pos = at;
    let rest = n;
    let left = width;
    for (; left >= 2; left -= 2) {
      const q = (rest / 100) | 0;
      const pair = (rest - q * 100) << 1;
      buf[--at] = DIGIT_PAIRS[pair + 1]!;
      buf[--at] = DIGIT_PAIRS[pair]!;
      rest = q;
    }
    if (left === 1) buf[--at] = 48 + (rest % 10);
  }

  /** A non-negative integer without padding. */
  uint(n: number): void {
    if (n < 10) {
      this.buf[this.pos++] = 48 + n;
      return;
    }
    let width = 2;
    for (let limit = 100; n >= limit; limit *= 10) width++;
    this.padded(n, width);
  }

  /** An amount of cents as a decimal with two places ("12.50"). */
  cents(n: number): void {
    const units = (n / 100) | 0;
    this.uint(units);
    this.byte(46);
    this.padded(n - units * 100, 2);
  }

  private grow(needed: number): void {
    const bigger = Buffer.allocUnsafe(this.buf.length + needed);
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }
}

async function writeAll(file: FileHandle, buf: Buffer, length: number): Promise<void> {
  let offset = 0;
  while (offset < length) {
    const { bytesWritten } = await file.write(buf, offset, length - offset);
    offset += bytesWritten;
  }
}

/** The ASCII bytes of a text (for pre-encoding constant fragments). */
export function ascii(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}
