/**
 * gRPC message framing, read side (src/client/envelope.ts): messages come back whole and in order
 * however the byte stream is cut into chunks, a message inside one chunk is a view of it, and
 * prefixes Kindling does not accept fail with connect-es's codes. Pure logic: no server.
 */
import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { EnvelopeReader, envelope } from "../src/client/envelope.js";

/** A deterministic pseudo-random generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function message(rand: () => number, maxBytes: number): Uint8Array {
  const m = new Uint8Array(Math.floor(rand() * maxBytes));
  for (let i = 0; i < m.length; i++) m[i] = Math.floor(rand() * 256);
  return m;
}

/** `bytes` cut at `cuts` random places (sorted, possibly repeated: empty chunks too). */
function chunked(bytes: Uint8Array, rand: () => number, cuts: number): Uint8Array[] {
  const at = Array.from({ length: cuts }, () => Math.floor(rand() * (bytes.length + 1))).sort(
    (a, b) => a - b,
  );
  const out: Uint8Array[] = [];
  let from = 0;
  for (const to of [...at, bytes.length]) {
    out.push(bytes.slice(from, to)); // a copy: a reader may keep views of what it was given
    from = to;
  }
  return out;
}

function readAll(chunks: Uint8Array[]): { messages: Uint8Array[]; reader: EnvelopeReader } {
  const reader = new EnvelopeReader();
  const messages: Uint8Array[] = [];
  for (const c of chunks) messages.push(...reader.push(c));
  return { messages, reader };
}

function failure(fn: () => unknown): ConnectError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConnectError) return e;
    throw e;
  }
  throw new Error("expected a ConnectError");
}

describe("EnvelopeReader", () => {
  it("gives back every message, in order and byte for byte, however the stream is chunked", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const rand = random(seed);
      const sent = Array.from({ length: 1 + Math.floor(rand() * 8) }, () =>
        message(rand, seed % 3 === 0 ? 5 : 3000),
      );
      const wire = Buffer.concat(sent.map(envelope));
      const { messages, reader } = readAll(chunked(wire, rand, Math.floor(rand() * 40)));
      expect(messages.map((m) => Buffer.from(m).toString("hex"))).toEqual(
        sent.map((m) => Buffer.from(m).toString("hex")),
      );
      expect(reader.atBoundary).toBe(true);
    }
  });

  it("cut after every single byte, including inside the 5-byte prefix", () => {
    const sent = [new Uint8Array([1, 2, 3]), new Uint8Array(0), new Uint8Array(300).fill(7)];
    const wire = Buffer.concat(sent.map(envelope));
    const { messages } = readAll([...wire].map((b) => new Uint8Array([b])));
    expect(messages.map((m) => [...m])).toEqual(sent.map((m) => [...m]));
  });

  it("a message inside one chunk is a view of that chunk; one spread over chunks is its own buffer", () => {
    const small = new Uint8Array([9, 8, 7, 6]);
    const big = new Uint8Array(100).fill(5);
    const wire = Buffer.concat([envelope(small), envelope(big)]);
    const first = wire.subarray(0, 60);
    const reader = new EnvelopeReader();
    const [a] = reader.push(first);
    expect(a!.buffer).toBe(first.buffer);
    expect([...a!]).toEqual([...small]);
    expect(reader.push(wire.subarray(60, 80))).toEqual([]);
    expect(reader.atBoundary).toBe(false);
    const [b] = reader.push(wire.subarray(80));
    expect(b!.buffer).not.toBe(wire.buffer);
    expect([...b!]).toEqual([...big]);
    expect(reader.atBoundary).toBe(true);
  });

  it("is not at a boundary while a prefix is half read", () => {
    const reader = new EnvelopeReader();
    expect(reader.push(envelope(new Uint8Array([1])).subarray(0, 3))).toEqual([]);
    expect(reader.atBoundary).toBe(false);
  });

  it("a compressed message is INTERNAL (Kindling never asks for compression)", () => {
    const wire = envelope(new Uint8Array([1, 2]));
    wire[0] = 1;
    const e = failure(() => new EnvelopeReader().push(wire));
    expect(e.code).toBe(Code.Internal);
    expect(e.rawMessage).toContain("compressed");
  });

  it("a length over the limit is RESOURCE_EXHAUSTED before anything is allocated", () => {
    const prefix = Buffer.from([0, 0xff, 0xff, 0xff, 0xf0]);
    const e = failure(() => new EnvelopeReader(1024).push(prefix));
    expect(e.code).toBe(Code.ResourceExhausted);
    expect(e.rawMessage).toContain("4294967280");
  });
});

describe("envelope", () => {
  it("frames a message as flag 0 and a big-endian length", () => {
    expect([...envelope(new Uint8Array([0xaa, 0xbb]))]).toEqual([0, 0, 0, 0, 2, 0xaa, 0xbb]);
  });
});
