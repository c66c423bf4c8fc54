/**
 * Protocol relations for DataFrame statistics (`df.stat`) and the Catalog (`spark.catalog`), and
 * the relations behind the DataFrame methods added with them. Nothing here talks to a server.
 */
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { CatalogSchema } from "../gen/spark/connect/catalog_pb.js";
import type { Expression } from "../gen/spark/connect/expressions_pb.js";
import { Aggregate_GroupType, type Relation } from "../gen/spark/connect/relations_pb.js";
import { scalarLiteral } from "./literals.js";
import { relation } from "./relations.js";

export const statCorr = (input: Relation, col1: string, col2: string, method: string) =>
  relation({ case: "corr", value: { input, col1, col2, method } });

export const statCov = (input: Relation, col1: string, col2: string) =>
  relation({ case: "cov", value: { input, col1, col2 } });

export const statCrosstab = (input: Relation, col1: string, col2: string) =>
  relation({ case: "crosstab", value: { input, col1, col2 } });

export const statFreqItems = (input: Relation, cols: string[], support?: number) =>
  relation({ case: "freqItems", value: { input, cols, ...(support !== undefined ? { support } : {}) } });

export const statApproxQuantile = (
  input: Relation,
  cols: string[],
  probabilities: number[],
  relativeError: number,
) => relation({ case: "approxQuantile", value: { input, cols, probabilities, relativeError } });

export const statSampleBy = (
  input: Relation,
  col: Expression,
  fractions: [unknown, number][],
  seed: bigint | undefined,
) =>
  relation({
    case: "sampleBy",
    value: {
      input,
      col,
      fractions: fractions.map(([stratum, fraction]) => ({ stratum: scalarLiteral(stratum), fraction })),
      ...(seed !== undefined ? { seed } : {}),
    },
  });

export type CatalogRequest = NonNullable<MessageInitShape<typeof CatalogSchema>["catType"]>;

export const catalog = (catType: CatalogRequest) => relation({ case: "catalog", value: { catType } });

export const unpivot = (
  input: Relation,
  ids: Expression[],
  values: Expression[] | undefined,
  variableColumnName: string,
  valueColumnName: string,
) =>
  relation({
    case: "unpivot",
    value: {
      input,
      ids,
      ...(values ? { values: { values } } : {}),
      variableColumnName,
      valueColumnName,
    },
  });

export const transpose = (input: Relation, indexColumns: Expression[]) =>
  relation({ case: "transpose", value: { input, indexColumns } });

export const repartitionByExpression = (
  input: Relation,
  partitionExprs: Expression[],
  numPartitions?: number,
) =>
  relation({
    case: "repartitionByExpression",
    value: { input, partitionExprs, ...(numPartitions !== undefined ? { numPartitions } : {}) },
  });

export const withWatermark = (input: Relation, eventTime: string, delayThreshold: string) =>
  relation({ case: "withWatermark", value: { input, eventTime, delayThreshold } });

export const deduplicateWithinWatermark = (input: Relation, columnNames: string[] | undefined) =>
  relation({
    case: "deduplicate",
    value: columnNames?.length
      ? { input, columnNames, withinWatermark: true }
      : { input, allColumnsAsKeys: true, withinWatermark: true },
  });

export const groupingSets = (
  input: Relation,
  sets: Expression[][],
  grouping: Expression[],
  aggregates: Expression[],
) =>
  relation({
    case: "aggregate",
    value: {
      input,
      groupType: Aggregate_GroupType.GROUPING_SETS,
      groupingExpressions: grouping,
      aggregateExpressions: aggregates,
      groupingSets: sets.map((groupingSet) => ({ groupingSet })),
    },
  });

/** One split of `randomSplit`: rows whose per-row random value falls in [lower, upper). */
export const sampleBounds = (input: Relation, lowerBound: number, upperBound: number, seed: bigint) =>
  relation({
    case: "sample",
    value: { input, lowerBound, upperBound, withReplacement: false, seed, deterministicOrder: true },
  });

export const cachedRemote = (relationId: string) =>
  relation({ case: "cachedRemoteRelation", value: { relationId } });

/** A streaming read (`spark.readStream`): a data source, or a table when `table` is given. */
export const streamingRead = (
  source:
    | { format?: string; paths: string[]; schema?: string; options: Record<string, string> }
    | { table: string },
) =>
  relation({
    case: "read",
    value: {
      isStreaming: true,
      readType:
        "table" in source
          ? { case: "namedTable", value: { unparsedIdentifier: source.table, options: {} } }
          : {
              case: "dataSource",
              value: {
                ...(source.format ? { format: source.format } : {}),
                paths: source.paths,
                ...(source.schema ? { schema: source.schema } : {}),
                options: source.options,
              },
            },
    },
  });
