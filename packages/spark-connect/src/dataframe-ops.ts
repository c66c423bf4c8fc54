/**
 * The DataFrame methods that PySpark's Connect client has beyond the core set (unpivot,
 * randomSplit, checkpoint, transpose, watermarks, semantics…). DataFrame's methods delegate here
 * so that dataframe.ts stays the short list of what a DataFrame can do.
 */
import { create } from "@bufbuild/protobuf";
import type { Row } from "./arrow/decode.js";
import { Column, type ColumnOrName, toColumn } from "./column.js";
import { DataFrame, STORAGE_LEVELS, type StorageLevelName } from "./dataframe.js";
import { PlanSchema } from "./gen/spark/connect/base_pb.js";
import * as A from "./plan/analysis.js";
import * as E from "./plan/expressions.js";
import * as R from "./plan/relations.js";

const exprs = (cols: ColumnOrName[]) => cols.map((c) => toColumn(c).expr);

/** See {@link DataFrame.unpivot}. */
export function unpivot(
  df: DataFrame,
  ids: ColumnOrName[],
  values: ColumnOrName[] | undefined,
  variableColumnName: string,
  valueColumnName: string,
): DataFrame {
  const rel = A.unpivot(
    df.relation,
    exprs(ids),
    values && exprs(values),
    variableColumnName,
    valueColumnName,
  );
  return new DataFrame(df.session, rel);
}

/**
 * See {@link DataFrame.randomSplit}: weights are normalised to sum 1; split i keeps the rows whose
 * per-row uniform value (same seed for all splits, rows in a deterministic order) falls in its
 * cumulative range, so the splits are disjoint and cover every row.
 */
export function randomSplit(df: DataFrame, weights: number[], seed?: number | bigint): DataFrame[] {
  if (weights.length === 0 || weights.some((w) => !(w >= 0)) || weights.every((w) => w === 0))
    throw new TypeError(
      `randomSplit: weights must be non-negative numbers, not all zero (got ${weights.join(", ")}).`,
    );
  const total = weights.reduce((a, b) => a + b, 0);
  const s = BigInt(seed ?? Math.floor(Math.random() * 2 ** 31));
  const bounds = [0];
  for (const w of weights) bounds.push((bounds.at(-1) ?? 0) + w / total);
  return weights.map(
    (_, i) =>
      new DataFrame(
        df.session,
        A.sampleBounds(
          df.relation,
          bounds[i] as number,
          i === weights.length - 1 ? 1 : (bounds[i + 1] as number),
          s,
        ),
      ),
  );
}

/** See {@link DataFrame.tail}. */
export async function tail(df: DataFrame, n: number): Promise<Row[]> {
  return new DataFrame(df.session, R.tail(df.relation, n)).collect();
}

/** See {@link DataFrame.checkpoint}: runs `CheckpointCommand` and reads back the cached relation. */
export async function checkpoint(
  df: DataFrame,
  local: boolean,
  eager: boolean,
  storageLevel?: StorageLevelName,
): Promise<DataFrame> {
  const plan = create(PlanSchema, {
    opType: {
      case: "command",
      value: {
        commandType: {
          case: "checkpointCommand",
          value: {
            relation: df.relation,
            local,
            eager,
            ...(storageLevel ? { storageLevel: { ...STORAGE_LEVELS[storageLevel], replication: 1 } } : {}),
          },
        },
      },
    },
  });
  for await (const r of df.session.client.execute(plan, { tags: df.session.executionTags() })) {
    if (r.responseType.case === "checkpointCommandResult" && r.responseType.value.relation)
      return new DataFrame(df.session, A.cachedRemote(r.responseType.value.relation.relationId));
  }
  throw new TypeError("checkpoint: the server sent no checkpointed relation.");
}

/** See {@link DataFrame.toJSON}. */
export function toJSON(df: DataFrame): DataFrame {
  return df.select(new Column(E.alias(E.call("to_json", [E.call("struct", [E.star()])]), ["value"])));
}

/** See {@link DataFrame.colRegex}. */
export function colRegex(df: DataFrame, colName: string): Column {
  return new Column(E.unresolvedRegex(colName, R.planIdOf(df.relation)));
}

/** See {@link DataFrame.sameSemantics}. */
export async function sameSemantics(df: DataFrame, other: DataFrame): Promise<boolean> {
  const r = await df.session.client.analyze({
    case: "sameSemantics",
    value: { targetPlan: df.plan, otherPlan: other.plan },
  });
  return r.case === "sameSemantics" ? r.value.result : false;
}

/** See {@link DataFrame.semanticHash}. */
export async function semanticHash(df: DataFrame): Promise<number> {
  const r = await df.session.client.analyze({ case: "semanticHash", value: { plan: df.plan } });
  return r.case === "semanticHash" ? r.value.result : 0;
}
