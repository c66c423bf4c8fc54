/**
 * `generate --append` without Spark: new files next to the old ones, order ids going on, a share
 * of records updating existing orders (always with a later order_ts, so reading the batches one by
 * one and merging gives what one read of every file gives), and a manifest whose expected figures
 * match an independent re-read of every file.
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendOrders, generate, type Manifest, recomputeExpected } from "../../src/datagen/index.js";
import { splitCsvRecords } from "./csv-records.js";

let root: string;
let dir: string;
let base: Manifest;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "kindling-append-"));
  dir = join(root, "raw");
  base = (await generate({ outDir: dir, rows: 3000, seed: 11, dirtyRate: 0.1, files: 1 })).manifest;
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Valid-looking records (order_id, order_ts) of one orders file, header dropped. */
async function records(file: string): Promise<{ id: string; ts: string }[]> {
  const text = await readFile(join(dir, file), "utf8");
  return splitCsvRecords(text)
    .slice(1)
    .map((r) => ({ id: r[0] ?? "", ts: r[3] ?? "" }));
}

const orderNo = (id: string) => (/^O\d{9}$/.test(id) ? Number(id.slice(1)) : Number.NaN);

describe("generate --append", () => {
  it("adds new files with new ids and updates of existing orders, and the manifest describes every file", async () => {
    const first = await appendOrders({ outDir: dir, rows: 600, updateRate: 0.1 });
    const second = await appendOrders({ outDir: dir, rows: 400, files: 2, updateRate: 0.1 });
    expect(first.batch).toMatchObject({ batch: 1, seed: 12, rows: 600, files: ["orders/part-00001.csv"] });
    expect(second.batch).toMatchObject({
      batch: 2,
      seed: 13,
      rows: 400,
      files: ["orders/part-00002.csv", "orders/part-00003.csv"],
    });
    expect((await readdir(join(dir, "orders"))).sort()).toEqual([
      "part-00000.csv",
      "part-00001.csv",
      "part-00002.csv",
      "part-00003.csv",
    ]);
    const m = second.manifest;
    expect(m.orders.rows).toBe(4000);
    expect(m.orders.files.map((f) => f.rows)).toEqual([3000, 600, 200, 200]);
    expect(m.appended?.map((b) => b.batch)).toEqual([1, 2]);
    // The expected figures are those of one read of every file, re-derived from the files alone.
    expect(m.expected).toEqual(await recomputeExpected(dir));
    const e = m.expected;
    expect(e.rowsIn).toBe(e.validOut + e.quarantined + e.duplicates);
    expect(e.rowsIn).toBe(4000);
    expect(m.dirty.total).toBe(Object.values(m.dirty.byKind).reduce((a, b) => a + b, 0));

    // Order ids go on: a batch's ids are either new (above every earlier id) or an earlier order's.
    const seen = new Map<string, string>();
    for (const r of await records("orders/part-00000.csv"))
      if (!Number.isNaN(orderNo(r.id))) seen.set(r.id, r.ts);
    const lastBase = Math.max(...[...seen.keys()].map(orderNo));
    for (const [batch, files] of [
      [first.batch, first.batch.files],
      [second.batch, second.batch.files],
    ] as const) {
      let again = 0;
      let fresh = 0;
      for (const file of files)
        for (const r of await records(file)) {
          const n = orderNo(r.id);
          if (Number.isNaN(n)) continue;
          const before = seen.get(r.id);
          if (before !== undefined) {
            again++;
            // An existing order comes back only as itself or a newer version, never an older one.
            if (
              /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(r.ts) &&
              /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(before)
            )
              expect(r.ts >= before, `${r.id}: ${r.ts} after ${before}`).toBe(true);
          } else {
            fresh++;
            expect(n).toBeGreaterThan(lastBase);
          }
        }
      expect(batch.updates).toBeGreaterThan(batch.rows * 0.05);
      expect(again).toBeGreaterThanOrEqual(batch.updates);
      expect(fresh).toBeGreaterThan(0);
      for (const file of files)
        for (const r of await records(file))
          if (!seen.has(r.id) || r.ts > seen.get(r.id)!) seen.set(r.id, r.ts);
    }
    expect(base.appended).toBeUndefined();
  });

  it("refuses to append where there is no dataset, and refuses the dataset's own options, saying what to do", async () => {
    await expect(appendOrders({ outDir: join(root, "none"), rows: 10 })).rejects.toThrow(
      /manifest\.json is missing or not a kindling generate manifest, so there is no dataset to append to; run kindling generate --out .*none first\./,
    );
    const bin = join(import.meta.dirname, "..", "..", "bin", "kindling.mjs");
    const r = spawnSync(
      process.execPath,
      [bin, "generate", "--append", "--out", dir, "--seed", "3", "--rows", "5"],
      {
        encoding: "utf8",
      },
    );
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(
      /--append keeps the dataset's own --seed \(from its manifest\.json\); leave it out\./,
    );
  });
});
