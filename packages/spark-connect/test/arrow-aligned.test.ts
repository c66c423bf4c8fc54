/**
 * Result batches whose Arrow bytes sit at an unaligned offset of their protobuf message are moved
 * to an 8-byte boundary in place (arrow/aligned.ts) and decode to the same values, with the
 * columns as views of the message's own buffer (no second copy). No server needed: the responses
 * are real ExecutePlanResponse bytes made here, decoded the way connect decodes a gRPC message
 * (into a buffer of its own).
 */
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  Field,
  Int32,
  List,
  makeVector,
  type RecordBatch,
  Table,
  tableToIPC,
  Utf8,
  vectorFromArray,
} from "apache-arrow";
import { describe, expect, it } from "vitest";
import { alignInPlace } from "../src/arrow/aligned.js";
import { batchToRows } from "../src/arrow/decode.js";
import { absorb, emptyInfo } from "../src/client/results.js";
import { type ExecutePlanResponse, ExecutePlanResponseSchema } from "../src/gen/spark/connect/base_pb.js";

const ROWS = 1000;

/** An Arrow IPC stream (schema + one batch) of bigint, double, string with nulls and array<int>. */
function ipcStream(): Uint8Array {
  const ids = new BigInt64Array(ROWS).map((_, i) => BigInt(i) * 3_000_000_000n);
  const table = new Table({
    id: makeVector(ids),
    dbl: makeVector(new Float64Array(ROWS).map((_, i) => i * 2.5)),
    str: vectorFromArray(
      Array.from({ length: ROWS }, (_, i) => (i % 10 === 0 ? null : `s${i}`)),
      new Utf8(),
    ),
    arr: vectorFromArray(
      Array.from({ length: ROWS }, (_, i) => [i, i + 1]),
      new List(new Field("element", new Int32(), true)),
    ),
  });
  return tableToIPC(table, "stream");
}

function expectedRow(i: number) {
  return {
    id: BigInt(i) * 3_000_000_000n,
    dbl: i * 2.5,
    str: i % 10 === 0 ? null : `s${i}`,
    arr: [i, i + 1],
  };
}

/**
 * The response as connect hands it over: serialized, copied into a fresh buffer of exactly the
 * message's size, then decoded. `sessionId`'s length moves the Arrow bytes' offset.
 */
function decodedResponse(
  sessionId: string,
  arrow: Uint8Array,
  extra: { observedMetrics?: ExecutePlanResponse["observedMetrics"] } = {},
) {
  const wire = toBinary(
    ExecutePlanResponseSchema,
    create(ExecutePlanResponseSchema, {
      sessionId,
      operationId: "op",
      responseId: "r1",
      responseType: { case: "arrowBatch", value: { rowCount: BigInt(ROWS), data: arrow } },
      ...extra,
    }),
  );
  const own = new Uint8Array(wire.byteLength);
  own.set(wire);
  return { own, r: fromBinary(ExecutePlanResponseSchema, own) };
}

const arrowData = (r: ExecutePlanResponse) => {
  if (r.responseType.case !== "arrowBatch") throw new Error("not an arrow batch");
  return r.responseType.value.data;
};

describe("result batches at unaligned offsets", () => {
  const arrow = ipcStream();

  it("covers every offset modulo 8, and each decodes to the same rows from the message's own buffer", () => {
    const offsets = new Set<number>();
    for (let k = 1; k <= 8; k++) {
      const { own, r } = decodedResponse("s".repeat(k), arrow);
      offsets.add(arrowData(r).byteOffset % 8);
      const batches: RecordBatch[] = absorb(r, emptyInfo());
      expect(batches).toHaveLength(1);
      const batch = batches[0]!;
      expect(arrowData(r).byteOffset % 8).toBe(0);
      // No second copy: the int64 column is a view of the buffer the message was decoded from.
      const idValues = batch.getChildAt(0)!.data[0]!.values as BigInt64Array;
      expect(idValues.buffer).toBe(own.buffer);
      const rows = batchToRows(batch);
      expect(rows).toHaveLength(ROWS);
      for (const i of [0, 1, 9, 10, 11, 500, ROWS - 1]) expect(rows[i]).toEqual(expectedRow(i));
      expect(rows.filter((row) => row.str === null)).toHaveLength(ROWS / 10);
    }
    expect([...offsets].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("leaves a message with observed metrics unmoved (their binary literals may be views in front) and still decodes it", () => {
    for (let k = 1; k <= 8; k++) {
      const { r } = decodedResponse("s".repeat(k), arrow, {
        observedMetrics: [
          create(ExecutePlanResponseSchema.field.observedMetrics.message!, {
            name: "m",
            keys: ["b"],
            values: [{ literalType: { case: "binary", value: new Uint8Array([1, 2, 3]) } }],
          }),
        ] as ExecutePlanResponse["observedMetrics"],
      });
      const before = arrowData(r);
      const info = emptyInfo();
      const rows = batchToRows(absorb(r, info)[0]!);
      expect(arrowData(r)).toBe(before);
      expect(info.observedMetrics.m).toEqual({ b: new Uint8Array([1, 2, 3]) });
      expect(rows[11]).toEqual(expectedRow(11));
    }
  });

  it("leaves bytes inside a larger shared buffer unmoved", () => {
    const slab = new Uint8Array(arrow.byteLength + 8192);
    slab.set(arrow, 3);
    const view = slab.subarray(3, 3 + arrow.byteLength);
    const { r } = decodedResponse("x", arrow);
    if (r.responseType.case !== "arrowBatch") throw new Error("not an arrow batch");
    r.responseType.value.data = view;
    const rows = batchToRows(absorb(r, emptyInfo())[0]!);
    expect(arrowData(r)).toBe(view);
    expect(rows[ROWS - 1]).toEqual(expectedRow(ROWS - 1));
  });
});

describe("alignInPlace", () => {
  it("moves the bytes down to the boundary below and keeps an aligned view as it is", () => {
    const buf = new Uint8Array(32).map((_, i) => i);
    const moved = alignInPlace(buf.subarray(11, 20));
    expect(moved.byteOffset).toBe(8);
    expect([...moved]).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19]);
    const aligned = buf.subarray(16, 24);
    expect(alignInPlace(aligned)).toBe(aligned);
  });
});
