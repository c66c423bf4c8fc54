/**
 * The one place where DataFrame operations become protocol relations. Each builder wraps its
 * input in a new Relation node with a fresh plan id; nothing here talks to a server.
 */
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { SparkConnectError } from "../errors.js";
import type { Expression } from "../gen/spark/connect/expressions_pb.js";
import {
  Aggregate_GroupType,
  Join_JoinType,
  type Relation,
  RelationSchema,
  SetOperation_SetOpType,
} from "../gen/spark/connect/relations_pb.js";
import { asSortOrder } from "./expressions.js";
import { scalarLiteral } from "./literals.js";

let nextPlanId = 1n;

/** A fresh plan id; lets columns refer to a specific DataFrame (`df.col("x")` after a join). */
export function newPlanId(): bigint {
  return nextPlanId++;
}

type RelType = NonNullable<MessageInitShape<typeof RelationSchema>["relType"]>;

export function relation(relType: RelType): Relation {
  return create(RelationSchema, { common: { planId: newPlanId() }, relType });
}

export function planIdOf(r: Relation): bigint | undefined {
  return r.common?.planId;
}

export const sql = (query: string, named: Record<string, Expression> = {}, positional: Expression[] = []) =>
  relation({ case: "sql", value: { query, namedArguments: named, posArguments: positional } });

export const range = (start: bigint, end: bigint, step: bigint, numPartitions?: number) =>
  relation({
    case: "range",
    value: { start, end, step, ...(numPartitions !== undefined ? { numPartitions } : {}) },
  });

export const table = (name: string, options: Record<string, string> = {}) =>
  relation({
    case: "read",
    value: { readType: { case: "namedTable", value: { unparsedIdentifier: name, options } } },
  });

export const dataSource = (
  format: string | undefined,
  paths: string[],
  schema: string | undefined,
  options: Record<string, string>,
) =>
  relation({
    case: "read",
    value: {
      readType: {
        case: "dataSource",
        value: { ...(format ? { format } : {}), paths, ...(schema ? { schema } : {}), options },
      },
    },
  });

export const localRelation = (arrowIpc: Uint8Array, schemaDDL: string) =>
  relation({ case: "localRelation", value: { data: arrowIpc, schema: schemaDDL } });

export const project = (input: Relation, expressions: Expression[]) =>
  relation({ case: "project", value: { input, expressions } });

export const filter = (input: Relation, condition: Expression) =>
  relation({ case: "filter", value: { input, condition } });

export const withColumns = (input: Relation, aliases: { expr: Expression; name: string }[]) =>
  relation({
    case: "withColumns",
    value: { input, aliases: aliases.map((a) => ({ expr: a.expr, name: [a.name] })) },
  });

export const withColumnsRenamed = (input: Relation, renames: [string, string][]) =>
  relation({
    case: "withColumnsRenamed",
    value: { input, renames: renames.map(([colName, newColName]) => ({ colName, newColName })) },
  });

export const drop = (input: Relation, columns: Expression[], columnNames: string[]) =>
  relation({ case: "drop", value: { input, columns, columnNames } });

export const deduplicate = (input: Relation, columnNames: string[] | undefined) =>
  relation({
    case: "deduplicate",
    value: columnNames?.length ? { input, columnNames } : { input, allColumnsAsKeys: true },
  });

/**
 * Join type names, as Spark's `JoinType.apply` (sql/catalyst plans/joinTypes.scala) reads them:
 * case-insensitive, underscores ignored, so `left_outer`, `leftouter` and `LEFT_OUTER` are one.
 */
export type JoinType =
  | "inner"
  | "cross"
  | "outer"
  | "full"
  | "fullouter"
  | "full_outer"
  | "left"
  | "leftouter"
  | "left_outer"
  | "right"
  | "rightouter"
  | "right_outer"
  | "semi"
  | "leftsemi"
  | "left_semi"
  | "anti"
  | "leftanti"
  | "left_anti";

/** Spark's names with the underscores removed, as `JoinType.apply` compares them. */
const JOIN_TYPES = new Map<string, Join_JoinType>([
  ["inner", Join_JoinType.INNER],
  ["cross", Join_JoinType.CROSS],
  ["outer", Join_JoinType.FULL_OUTER],
  ["full", Join_JoinType.FULL_OUTER],
  ["fullouter", Join_JoinType.FULL_OUTER],
  ["left", Join_JoinType.LEFT_OUTER],
  ["leftouter", Join_JoinType.LEFT_OUTER],
  ["right", Join_JoinType.RIGHT_OUTER],
  ["rightouter", Join_JoinType.RIGHT_OUTER],
  ["semi", Join_JoinType.LEFT_SEMI],
  ["leftsemi", Join_JoinType.LEFT_SEMI],
  ["anti", Join_JoinType.LEFT_ANTI],
  ["leftanti", Join_JoinType.LEFT_ANTI],
]);

const JOIN_TYPE_NAMES =
  "inner, cross, outer, full, fullouter, full_outer, left, leftouter, left_outer, right, rightouter, " +
  "right_outer, semi, leftsemi, left_semi, anti, leftanti, left_anti";

/**
 * The protocol join type for a name (see {@link JoinType}); throws SparkConnectError
 * INVALID_ARGUMENT naming the accepted names otherwise.
 */
export function joinTypeOf(name: string): Join_JoinType {
  const t = typeof name === "string" ? JOIN_TYPES.get(name.toLowerCase().replaceAll("_", "")) : undefined;
  if (t === undefined) {
    throw new SparkConnectError(
      "INVALID_ARGUMENT",
      `Unsupported join type ${JSON.stringify(String(name).slice(0, 40))}; use one of ${JOIN_TYPE_NAMES}.`,
    );
  }
  return t;
}

export const join = (
  left: Relation,
  right: Relation,
  how: string,
  on: { condition?: Expression; usingColumns?: string[] },
) =>
  relation({
    case: "join",
    value: {
      left,
      right,
      joinType: joinTypeOf(how),
      ...(on.condition ? { joinCondition: on.condition } : {}),
      usingColumns: on.usingColumns ?? [],
    },
  });

/**
 * A lateral join (protocol `LateralJoin`): `right` is evaluated once per `left` row and may refer
 * to the left's columns. Spark accepts inner, left (outer) and cross here, as PySpark's Connect
 * client does; any other name throws SparkConnectError INVALID_ARGUMENT.
 */
export function lateralJoin(left: Relation, right: Relation, how: string, condition?: Expression): Relation {
  const t = joinTypeOf(how);
  if (t !== Join_JoinType.INNER && t !== Join_JoinType.LEFT_OUTER && t !== Join_JoinType.CROSS)
    throw new SparkConnectError(
      "INVALID_ARGUMENT",
      `Unsupported lateral join type ${JSON.stringify(String(how).slice(0, 40))}; use inner, left (leftouter, left_outer) or cross.`,
    );
  return relation({
    case: "lateralJoin",
    value: { left, right, joinType: t, ...(condition ? { joinCondition: condition } : {}) },
  });
}

export type GroupType = "groupby" | "rollup" | "cube" | "pivot";

export const aggregate = (
  input: Relation,
  groupType: GroupType,
  grouping: Expression[],
  aggregates: Expression[],
  pivot?: { col: Expression; values: unknown[] },
) =>
  relation({
    case: "aggregate",
    value: {
      input,
      groupType:
        groupType === "groupby"
          ? Aggregate_GroupType.GROUPBY
          : groupType === "rollup"
            ? Aggregate_GroupType.ROLLUP
            : groupType === "cube"
              ? Aggregate_GroupType.CUBE
              : Aggregate_GroupType.PIVOT,
      groupingExpressions: grouping,
      aggregateExpressions: aggregates,
      ...(pivot ? { pivot: { col: pivot.col, values: pivot.values.map(scalarLiteral) } } : {}),
    },
  });

export const sort = (input: Relation, order: Expression[], isGlobal = true) =>
  relation({ case: "sort", value: { input, order: order.map(asSortOrder), isGlobal } });

export const limit = (input: Relation, n: number) => relation({ case: "limit", value: { input, limit: n } });
export const offset = (input: Relation, n: number) =>
  relation({ case: "offset", value: { input, offset: n } });
export const tail = (input: Relation, n: number) => relation({ case: "tail", value: { input, limit: n } });

export const setOp = (
  left: Relation,
  right: Relation,
  op: "union" | "intersect" | "except",
  isAll: boolean,
  byName = false,
  allowMissingColumns = false,
) =>
  relation({
    case: "setOp",
    value: {
      leftInput: left,
      rightInput: right,
      setOpType:
        op === "union"
          ? SetOperation_SetOpType.UNION
          : op === "intersect"
            ? SetOperation_SetOpType.INTERSECT
            : SetOperation_SetOpType.EXCEPT,
      isAll,
      byName,
      allowMissingColumns,
    },
  });

export const repartition = (input: Relation, numPartitions: number, shuffle: boolean) =>
  relation({ case: "repartition", value: { input, numPartitions, shuffle } });

export const repartitionByExpression = (input: Relation, exprs: Expression[], numPartitions?: number) =>
  relation({
    case: "repartitionByExpression",
    value: { input, partitionExprs: exprs, ...(numPartitions !== undefined ? { numPartitions } : {}) },
  });

export const sample = (input: Relation, fraction: number, withReplacement: boolean, seed?: bigint) =>
  relation({
    case: "sample",
    value: {
      input,
      lowerBound: 0,
      upperBound: fraction,
      withReplacement,
      ...(seed !== undefined ? { seed } : {}),
    },
  });

export const subqueryAlias = (input: Relation, alias: string) =>
  relation({ case: "subqueryAlias", value: { input, alias } });

export const hint = (input: Relation, name: string, parameters: Expression[]) =>
  relation({ case: "hint", value: { input, name, parameters } });

export const collectMetrics = (input: Relation, name: string, metrics: Expression[]) =>
  relation({ case: "collectMetrics", value: { input, name, metrics } });

export const showString = (input: Relation, numRows: number, truncate: number, vertical: boolean) =>
  relation({ case: "showString", value: { input, numRows, truncate, vertical } });

export const fillNa = (input: Relation, cols: string[], values: unknown[]) =>
  // NAFill accepts only long, double, string and boolean values.
  relation({
    case: "fillNa",
    value: {
      input,
      cols,
      values: values.map((v) => scalarLiteral(typeof v === "number" && Number.isInteger(v) ? BigInt(v) : v)),
    },
  });

export const dropNa = (input: Relation, cols: string[], minNonNulls?: number) =>
  relation({ case: "dropNa", value: { input, cols, ...(minNonNulls !== undefined ? { minNonNulls } : {}) } });

export const replaceNa = (input: Relation, cols: string[], replacements: [unknown, unknown][]) =>
  relation({
    case: "replace",
    value: {
      input,
      cols,
      replacements: replacements.map(([o, n]) => ({
        oldValue: scalarLiteral(o),
        newValue: scalarLiteral(n),
      })),
    },
  });

export const describe = (input: Relation, cols: string[]) =>
  relation({ case: "describe", value: { input, cols } });
export const summary = (input: Relation, statistics: string[]) =>
  relation({ case: "summary", value: { input, statistics } });
export const toDF = (input: Relation, columnNames: string[]) =>
  relation({ case: "toDf", value: { input, columnNames } });
