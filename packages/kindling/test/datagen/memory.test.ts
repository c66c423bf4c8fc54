import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { generate } from "../../src/datagen/index.js";

const MB = 2 ** 20;
let dir: string | undefined;

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

it("streams 200 MB of orders with bounded memory", async () => {
  dir = await mkdtemp(join(tmpdir(), "kindling-datagen-memory-"));
  const before = process.memoryUsage();
  let peakHeap = 0;
  let peakBuffers = 0;
  const { manifest } = await generate({
    size: "200MB",
    files: 2,
    outDir: dir,
    onProgress: () => {
      const now = process.memoryUsage();
      peakHeap = Math.max(peakHeap, now.heapUsed - before.heapUsed);
      peakBuffers = Math.max(peakBuffers, now.arrayBuffers - before.arrayBuffers);
    },
  });
  expect(manifest.orders.bytes).toBeGreaterThanOrEqual(200 * MB);
  // Two 4 MB chunks, the dimension arrays and garbage not yet collected; far below the 200 MB written.
  expect(peakHeap).toBeLessThan(64 * MB);
  expect(peakBuffers).toBeLessThan(48 * MB);
});
