/**
 * gRPC's message framing over HTTP/2, read side: each message on the wire is a
 * Length-Prefixed-Message (gRPC over HTTP2, "PROTOCOL-HTTP2.md": 1 byte compressed flag, 4 bytes
 * big-endian length, then the message bytes), split across HTTP/2 DATA chunks at any byte.
 *
 * Kindling reads ExecutePlan's result stream with this instead of connect-es's envelope decoder
 * (bench/README.md, "To Arrow: ExecutePlan's result stream read by the client itself"): a result
 * of 1M rows is ~80 MiB in ~100 messages of ~0.8 MiB, delivered as ~7,000 chunks. Here each
 * message is filled by one copy into an uninitialised buffer of its exact size (connect-es
 * zero-fills it first), and a message lying whole inside one chunk is a view of that chunk, not a
 * copy.
 */
import { Code, ConnectError } from "@connectrpc/connect";

/** Bytes in a gRPC message's prefix: the compressed flag and the 4-byte length. */
export const ENVELOPE_PREFIX_BYTES = 5;

/** Frames one request message: the prefix (not compressed) followed by `message`. */
export function envelope(message: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(ENVELOPE_PREFIX_BYTES + message.byteLength);
  out[0] = 0;
  out.writeUInt32BE(message.byteLength, 1);
  out.set(message, ENVELOPE_PREFIX_BYTES);
  return out;
}

/**
 * Splits a byte stream into gRPC messages. `push` takes the next chunk and returns the messages
 * it completed, in order; bytes of an unfinished message are kept for the next chunk. A returned
 * message may be a view into a pushed chunk: the caller must not reuse chunks it has pushed.
 */
export class EnvelopeReader {
  private readonly prefix = Buffer.alloc(ENVELOPE_PREFIX_BYTES);
  private prefixFilled = 0;
  private message: Buffer | undefined;
  private messageFilled = 0;

  /**
   * @param maxMessageBytes largest message accepted; a longer prefix throws RESOURCE_EXHAUSTED
   *   before anything is allocated.
   * @throws ConnectError INTERNAL for a compressed message (Kindling never asks for compression).
   */
  constructor(private readonly maxMessageBytes = 0xffffffff) {}

  /** True when no message is partly read (a stream may end only here). */
  get atBoundary(): boolean {
    return this.prefixFilled === 0 && this.message === undefined;
  }

  push(chunk: Uint8Array): Uint8Array[] {
    const done: Uint8Array[] = [];
    let at = 0;
    while (at < chunk.byteLength) {
      if (this.message === undefined) {
        const take = Math.min(ENVELOPE_PREFIX_BYTES - this.prefixFilled, chunk.byteLength - at);
        this.prefix.set(chunk.subarray(at, at + take), this.prefixFilled);
        this.prefixFilled += take;
        at += take;
        if (this.prefixFilled < ENVELOPE_PREFIX_BYTES) break;
        const length = this.readPrefix();
        if (chunk.byteLength - at >= length) {
          // The whole message is in this chunk: hand out a view, no copy.
          done.push(chunk.subarray(at, at + length));
          at += length;
          this.prefixFilled = 0;
        } else {
          this.message = Buffer.allocUnsafeSlow(length); // every byte is written below
          this.messageFilled = 0;
        }
        continue;
      }
      const message = this.message;
      const take = Math.min(message.byteLength - this.messageFilled, chunk.byteLength - at);
      message.set(chunk.subarray(at, at + take), this.messageFilled);
      this.messageFilled += take;
      at += take;
      if (this.messageFilled === message.byteLength) {
        done.push(message);
        this.prefixFilled = 0;
        this.message = undefined;
      }
    }
    return done;
  }

  /** The completed prefix's message length, bytes; throws for what this reader does not accept. */
  private readPrefix(): number {
    const flags = this.prefix[0]!;
    const length = this.prefix.readUInt32BE(1);
    if (flags & 1)
      throw new ConnectError(
        "protocol error: the server sent a compressed message without being asked to",
        Code.Internal,
      );
    if (length > this.maxMessageBytes)
      throw new ConnectError(
        `message size ${length} is larger than configured readMaxBytes ${this.maxMessageBytes}`,
        Code.ResourceExhausted,
      );
    return length;
  }
}
