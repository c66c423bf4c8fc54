/**
 * The client's own reader of ExecutePlan's result stream (src/client/server-stream.ts), through
 * an HTTP/2 proxy in front of the real test server: what the call sends (gRPC's headers, the
 * connection string's token, user agent and extra headers), and a stream that ends without
 * gRPC's status (a middlebox dropping trailers) re-attaching to the same operation instead of
 * being read as a complete result.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { functions as F, SparkSession } from "../src/index.js";
import { type H2Proxy, startH2Proxy } from "./support/h2-proxy.js";

const EXECUTE = "/spark.connect.SparkConnectService/ExecutePlan";
const REATTACH = "/spark.connect.SparkConnectService/ReattachExecute";

let proxy: H2Proxy;
beforeAll(async () => {
  const url = new URL(inject("sparkRemote").replace("sc://", "http://"));
  proxy = await startH2Proxy(Number(url.port));
});
afterAll(async () => {
  await proxy?.close();
});

describe("ExecutePlan's result stream", () => {
  it("sends gRPC's headers with the connection string's token, user agent and extra headers", async () => {
    const s = await SparkSession.builder()
      .remote(`sc://127.0.0.1:${proxy.port}/;token=t0k%3D;user_agent=kindling-test;x-team=data`)
      .getOrCreate();
    const rows = await s.range(3).collect();
    expect(rows.map((r) => r.id)).toEqual([0n, 1n, 2n]);
    const call = proxy.seen.filter((r) => r.path === EXECUTE).at(-1);
    expect(call?.headers).toMatchObject({
      "content-type": "application/grpc+proto",
      te: "trailers",
      authorization: "Bearer t0k=",
      "x-team": "data",
    });
    expect(String(call?.headers["user-agent"])).toContain("kindling-test");
  });

  it("a stream ended without gRPC's status re-attaches and gives the whole result once", async () => {
    const s = await SparkSession.builder().remote(`sc://127.0.0.1:${proxy.port}`).getOrCreate();
    const query = s.range(0, 300_000, 1, 3).select(F.col("id"), F.col("id").cast("string").alias("s"));
    const before = proxy.seen.filter((r) => r.path === REATTACH).length;
    proxy.endWithoutStatus(EXECUTE, 64 * 1024);
    const rows = await query.collect();
    expect(proxy.seen.filter((r) => r.path === REATTACH).length).toBeGreaterThan(before);
    expect(s.client.reattachCount).toBeGreaterThan(0);
    expect(rows).toHaveLength(300_000);
    let sum = 0n;
    for (const r of rows) sum += r.id as bigint;
    expect(sum).toBe((299_999n * 300_000n) / 2n);
    expect(new Set(rows.map((r) => r.id)).size).toBe(300_000);
  });
});
