import type { RecordBatch } from "apache-arrow";
import { alignInPlace } from "../arrow/aligned.js";
import { ipcToBatches } from "../arrow/decode.js";
import type { ExecutePlanResponse, ExecutePlanResponse_ArrowBatch } from "../gen/spark/connect/base_pb.js";
import type { Relation } from "../gen/spark/connect/relations_pb.js";
import { literalToJs } from "../plan/literal-values.js";
import { fromProtoDataType, type StructType } from "../types.js";

/** Progress of a running query, as the server reports it (about every second while it runs). */
export interface ExecutionProgress {
  /** The stages of the query's jobs that have started (protocol `ExecutionProgress.StageInfo`). */
  stages: {
    /** Spark's stage id (unique within the application). */
    stageId: number;
    /** Tasks in the stage (one per partition). */
    numTasks: number;
    /** Tasks finished so far. */
    completedTasks: number;
    /** Bytes the stage has read from its input so far. */
    inputBytesRead: number;
    /** True once the stage has finished. */
    done: boolean;
  }[];
  /** Tasks running right now across all stages. */
  inflightTasks: number;
}

/** A metric of one node of the executed physical plan (e.g. "number of output rows"). */
export interface PlanMetric {
  /** The physical plan node's name, e.g. `HashAggregate`. */
  node: string;
  /** The node's id in the physical plan. */
  planId: bigint;
  /** The id of the node's parent (the consumer of its rows). */
  parent: bigint;
  /** The metric's name, e.g. `number of output rows`. */
  name: string;
  /** The value, in the metric's unit (rows, bytes, milliseconds…: see `type`). */
  value: bigint;
  /** Spark's metric type: `sum`, `size` (bytes), `timing` (ms), `nsTiming` (ns), `average`. */
  type: string;
}

/** Everything an execution returned besides rows. */
export interface ExecutionInfo {
  /** The server's id of the operation (usable with `session.interruptOperation`); undefined before the server answered. */
  operationId: string | undefined;
  /** The result's schema as the server sent it; undefined for commands without a result. */
  schema: StructType | undefined;
  /** Named metrics from `observe(...)`, by observation name. */
  observedMetrics: Record<string, Record<string, unknown>>;
  /** Metrics of the executed physical plan's nodes (rows, bytes, times), sent at the end. */
  planMetrics: PlanMetric[];
  /** For `sql()` commands: the relation the server answered with. */
  sqlRelation: Relation | undefined;
}

export function emptyInfo(): ExecutionInfo {
  return {
    operationId: undefined,
    schema: undefined,
    observedMetrics: {},
    planMetrics: [],
    sqlRelation: undefined,
  };
}

/** Folds one response's non-row content into `info`; returns the Arrow batches it carried. */
export function absorb(r: ExecutePlanResponse, info: ExecutionInfo): RecordBatch[] {
  if (r.operationId) info.operationId = r.operationId;
  if (r.schema && !info.schema) {
    const t = fromProtoDataType(r.schema);
    if (t.typeName === "struct") info.schema = t;
  }
  for (const om of r.observedMetrics) {
    const values: Record<string, unknown> = Object.create(null); // keeps a metric named __proto__
    om.values.forEach((v, i) => {
      values[om.keys[i] ?? `_${i}`] = literalToJs(v);
    });
    info.observedMetrics[om.name] = values;
  }
  if (r.metrics) {
    for (const m of r.metrics.metrics) {
      for (const [name, v] of Object.entries(m.executionMetrics)) {
        info.planMetrics.push({
          node: m.name,
          planId: m.planId,
          parent: m.parent,
          name,
          value: v.value,
          type: v.metricType,
        });
      }
    }
  }
  switch (r.responseType.case) {
    case "arrowBatch":
      return r.responseType.value.data.length ? ipcToBatches(arrowBytesOf(r, r.responseType.value)) : [];
    case "sqlCommandResult":
      info.sqlRelation = r.responseType.value.relation;
      return [];
    default:
      return [];
  }
}

/**
 * The batch's Arrow IPC bytes, moved to an 8-byte boundary in place when nothing else can see the
 * bytes in front of them (see arrow/aligned.ts); `batch.data` is updated to the moved bytes.
 *
 * The bytes are ours when the ArrayBuffer holds this message alone: connect decodes each gRPC
 * message from a buffer of its own, and an ExecutePlanResponse adds well under
 * {@link OWN_BUFFER_SLACK} bytes of fields around its batch, whereas a shared slab (Node's Buffer
 * pool: 8 KiB slabs for allocations under 4 KiB) would be bigger than that. The bytes in front
 * held protobuf field headers, already decoded into `r`; only unknown fields and binary literals
 * of observed metrics would still be views into them, so such messages keep the copy.
 */
function arrowBytesOf(r: ExecutePlanResponse, batch: ExecutePlanResponse_ArrowBatch): Uint8Array {
  const { data } = batch;
  const own = data.buffer.byteLength <= data.byteLength + OWN_BUFFER_SLACK;
  const viewsInFront = !!r.$unknown?.length || !!batch.$unknown?.length || r.observedMetrics.length > 0;
  if (!own || viewsInFront) return data;
  batch.data = alignInPlace(data);
  return batch.data;
}

/** Bytes an ExecutePlanResponse may hold besides its Arrow batch for the buffer to count as its own. */
const OWN_BUFFER_SLACK = 4096;

export function progressOf(r: ExecutePlanResponse): ExecutionProgress | undefined {
  if (r.responseType.case !== "executionProgress") return undefined;
  const p = r.responseType.value;
  return {
    stages: p.stages.map((s) => ({
      stageId: Number(s.stageId),
      numTasks: Number(s.numTasks),
      completedTasks: Number(s.numCompletedTasks),
      inputBytesRead: Number(s.inputBytesRead),
      done: s.done,
    })),
    inflightTasks: Number(p.numInflightTasks),
  };
}
