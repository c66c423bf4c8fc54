import type { RecordBatch } from "apache-arrow";
import { ipcToBatches } from "../arrow/decode.js";
import type { ExecutePlanResponse } from "../gen/spark/connect/base_pb.js";
import type { Relation } from "../gen/spark/connect/relations_pb.js";
import { literalToJs } from "../plan/literal-values.js";
import { fromProtoDataType, type StructType } from "../types.js";

/** Progress of a running query, as the server reports it (about every second while it runs). */
export interface ExecutionProgress {
  stages: {
    stageId: number;
    numTasks: number;
    completedTasks: number;
    inputBytesRead: number;
    done: boolean;
  }[];
  inflightTasks: number;
}

/** A metric of one node of the executed physical plan (e.g. "number of output rows"). */
export interface PlanMetric {
  node: string;
  planId: bigint;
  parent: bigint;
  name: string;
  value: bigint;
  type: string;
}

/** Everything an execution returned besides rows. */
export interface ExecutionInfo {
  operationId: string | undefined;
  schema: StructType | undefined;
  /** Named metrics from `observe(...)`, by observation name. */
  observedMetrics: Record<string, Record<string, unknown>>;
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
      return r.responseType.value.data.length ? ipcToBatches(r.responseType.value.data) : [];
    case "sqlCommandResult":
      info.sqlRelation = r.responseType.value.relation;
      return [];
    default:
      return [];
  }
}

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
