/** The AddArtifacts request stream (pure: no server). */
import { crc32 } from "node:zlib";
import { describe, expect, it } from "vitest";
import { artifactPayloads } from "../src/client/artifacts.js";

const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);

describe("artifactPayloads", () => {
  it("batches small artifacts up to the chunk size, each with the CRC-32 of its bytes", () => {
    const p = artifactPayloads(
      [
        { name: "jars/a.jar", data: bytes(6, 1) },
        { name: "jars/b.jar", data: bytes(4, 2) },
        { name: "files/c.txt", data: bytes(5, 3) },
      ],
      10,
    );
    expect(p.map((x) => x?.case)).toEqual(["batch", "batch"]);
    const first = p[0]!.value as { artifacts: { name: string; data: { data: Uint8Array; crc: bigint } }[] };
    expect(first.artifacts.map((a) => a.name)).toEqual(["jars/a.jar", "jars/b.jar"]);
    expect(first.artifacts[0]!.data.crc).toBe(BigInt(crc32(bytes(6, 1))));
    const second = p[1]!.value as { artifacts: { name: string }[] };
    expect(second.artifacts.map((a) => a.name)).toEqual(["files/c.txt"]);
  });

  it("sends an artifact larger than the chunk size alone: a begin chunk, then the rest", () => {
    const big = new Uint8Array(25).map((_, i) => i);
    const p = artifactPayloads(
      [
        { name: "jars/small.jar", data: bytes(3, 9) },
        { name: "jars/big.jar", data: big },
      ],
      10,
    );
    expect(p.map((x) => x?.case)).toEqual(["batch", "beginChunk", "chunk", "chunk"]);
    const begin = p[1]!.value as {
      name: string;
      totalBytes: bigint;
      numChunks: bigint;
      initialChunk: { data: Uint8Array; crc: bigint };
    };
    expect(begin).toMatchObject({ name: "jars/big.jar", totalBytes: 25n, numChunks: 3n });
    expect([...begin.initialChunk.data]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const last = p[3]!.value as { data: Uint8Array; crc: bigint };
    expect([...last.data]).toEqual([20, 21, 22, 23, 24]);
    expect(last.crc).toBe(BigInt(crc32(big.subarray(20))));
  });

  it("sends nothing for no artifacts", () => {
    expect(artifactPayloads([])).toEqual([]);
  });
});
