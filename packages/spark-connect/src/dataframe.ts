import { create } from "@bufbuild/protobuf";
import type { RecordBatch, Table } from "apache-arrow";
import { Table as ArrowTable } from "apache-arrow";
import type { DecodeOptions, Row } from "./arrow/decode.js";
import { batchToRows } from "./arrow/decode.js";
import {
  absorb,
  type ExecutionInfo,
  type ExecutionProgress,
  emptyInfo,
  progressOf,
} from "./client/results.js";
import { Column, type ColumnOrName, toColumn, toExpr } from "./column.js";
import * as Ops from "./dataframe-ops.js";
import { SparkConnectError } from "./errors.js";
import {
  AnalyzePlanRequest_Explain_ExplainMode,
  type Plan,
  PlanSchema,
} from "./gen/spark/connect/base_pb.js";
import type { Expression } from "./gen/spark/connect/expressions_pb.js";
import type { Relation } from "./gen/spark/connect/relations_pb.js";
import * as A from "./plan/analysis.js";
import * as E from "./plan/expressions.js";
import * as R from "./plan/relations.js";
import type { SparkSession } from "./session.js";
import { DataFrameStatFunctions } from "./stat.js";
import { DataStreamWriter } from "./streaming.js";
import { fromProtoDataType, type StructType, simpleString, treeString } from "./types.js";
import { DataFrameWriter } from "./writer.js";
import { DataFrameWriterV2 } from "./writer-v2.js";

/** Options every action accepts; those that return rows also take the decode options (`timestamps`). */
export interface ActionOptions extends DecodeOptions {
  /** Called with server progress (stages, tasks, bytes read) while the query runs. */
  onProgress?: (p: ExecutionProgress) => void;
  /** Aborting interrupts the operation on the server. */
  signal?: AbortSignal;
  /** Operation tags, usable with `session.interruptTag`. */
  tags?: string[];
}

/** Rows plus everything else the server returned (schema, plan metrics, observed metrics). */
export interface CollectResult extends ExecutionInfo {
  rows: Row[];
}

/** One event of a streamed execution (see {@link DataFrame.stream}). */
export type ExecutionEvent =
  | { type: "progress"; progress: ExecutionProgress }
  | { type: "rows"; rows: Row[] }
  | { type: "done"; info: ExecutionInfo };

export type StorageLevelName =
  | "MEMORY_ONLY"
  | "MEMORY_AND_DISK"
  | "DISK_ONLY"
  | "MEMORY_AND_DISK_DESER"
  | "OFF_HEAP";

export const STORAGE_LEVELS: Record<
  StorageLevelName,
  { useDisk: boolean; useMemory: boolean; useOffHeap: boolean; deserialized: boolean }
> = {
  MEMORY_ONLY: { useDisk: false, useMemory: true, useOffHeap: false, deserialized: false },
  MEMORY_AND_DISK: { useDisk: true, useMemory: true, useOffHeap: false, deserialized: false },
  MEMORY_AND_DISK_DESER: { useDisk: true, useMemory: true, useOffHeap: false, deserialized: true },
  DISK_ONLY: { useDisk: true, useMemory: false, useOffHeap: false, deserialized: false },
  OFF_HEAP: { useDisk: true, useMemory: true, useOffHeap: true, deserialized: false },
};

/**
 * An immutable, lazily evaluated distributed dataset. Transformations return new DataFrames that
 * hold a larger plan; actions (`collect`, `count`, `show`, `write…save`) send the plan to Spark.
 */
export class DataFrame {
  readonly session: SparkSession;
  /** The protocol relation this DataFrame stands for. */
  readonly relation: Relation;

  private cachedSchema: Promise<StructType> | undefined;

  constructor(session: SparkSession, relation: Relation) {
    this.session = session;
    this.relation = relation;
  }

  private wrap(r: Relation): DataFrame {
    return new DataFrame(this.session, r);
  }

  /** The root plan sent to the server. */
  get plan(): Plan {
    return create(PlanSchema, { opType: { case: "root", value: this.relation } });
  }

  /** A column of this DataFrame specifically (disambiguates after joins): `df.col("id")`. */
  col(name: string): Column {
    const planId = R.planIdOf(this.relation);
    if (name === "*") return new Column(E.star(undefined, planId));
    return new Column(E.attribute(name, planId));
  }

  // ── projection and filtering ─────────────────────────────────────────────────
  select(...cols: (ColumnOrName | ColumnOrName[])[]): DataFrame {
    return this.wrap(
      R.project(
        this.relation,
        cols.flat().map((c) => toColumn(c).expr),
      ),
    );
  }
  selectExpr(...exprs: string[]): DataFrame {
    return this.wrap(
      R.project(
        this.relation,
        exprs.map((e) => E.sqlExpression(e)),
      ),
    );
  }
  filter(condition: Column | string): DataFrame {
    return this.wrap(
      R.filter(this.relation, typeof condition === "string" ? E.sqlExpression(condition) : condition.expr),
    );
  }
  where(condition: Column | string): DataFrame {
    return this.filter(condition);
  }
  withColumn(name: string, col: Column): DataFrame {
    return this.wrap(R.withColumns(this.relation, [{ name, expr: col.expr }]));
  }
  withColumns(cols: Record<string, Column> | Map<string, Column>): DataFrame {
    const entries = cols instanceof Map ? [...cols] : Object.entries(cols);
    return this.wrap(
      R.withColumns(
        this.relation,
        entries.map(([name, c]) => ({ name, expr: c.expr })),
      ),
    );
  }
  withColumnRenamed(existing: string, newName: string): DataFrame {
    return this.wrap(R.withColumnsRenamed(this.relation, [[existing, newName]]));
  }
  withColumnsRenamed(renames: Record<string, string>): DataFrame {
    return this.wrap(R.withColumnsRenamed(this.relation, Object.entries(renames)));
  }
  /** Renames all columns positionally. */
  toDF(...names: string[]): DataFrame {
    return this.wrap(R.toDF(this.relation, names));
  }
  drop(...cols: ColumnOrName[]): DataFrame {
    const names = cols.filter((c): c is string => typeof c === "string");
    const exprs = cols.filter((c): c is Column => c instanceof Column).map((c) => c.expr);
    return this.wrap(R.drop(this.relation, exprs, names));
  }

  // ── duplicates and missing values ───────────────────────────────────────────
  distinct(): DataFrame {
    return this.wrap(R.deduplicate(this.relation, undefined));
  }
  dropDuplicates(cols?: string[]): DataFrame {
    return this.wrap(R.deduplicate(this.relation, cols));
  }
  /** Missing-value functions: `df.na.fill(0)`, `df.na.drop()`, `df.na.replace(...)`. */
  get na(): DataFrameNaFunctions {
    return new DataFrameNaFunctions(this);
  }

  // ── joins and set operations ────────────────────────────────────────────────
  /**
   * Joins with another DataFrame on column names (`"id"` or `["a","b"]`, kept once in the result)
   * or on a condition Column. `how`: inner (default) or any name Spark's JoinType accepts (left,
   * leftouter, full_outer, semi, left_anti, cross…; case and underscores ignored). Throws
   * SparkConnectError INVALID_ARGUMENT for any other name.
   */
  join(other: DataFrame, on?: string | string[] | Column, how = "inner"): DataFrame {
    const spec =
      on === undefined
        ? {}
        : on instanceof Column
          ? { condition: on.expr }
          : { usingColumns: typeof on === "string" ? [on] : on };
    return this.wrap(
      R.join(this.relation, other.relation, on === undefined && how === "inner" ? "cross" : how, spec),
    );
  }
  crossJoin(other: DataFrame): DataFrame {
    return this.wrap(R.join(this.relation, other.relation, "cross", {}));
  }
  union(other: DataFrame): DataFrame {
    return this.wrap(R.setOp(this.relation, other.relation, "union", true));
  }
  unionAll(other: DataFrame): DataFrame {
    return this.union(other);
  }
  unionByName(other: DataFrame, allowMissingColumns = false): DataFrame {
    return this.wrap(R.setOp(this.relation, other.relation, "union", true, true, allowMissingColumns));
  }
  intersect(other: DataFrame): DataFrame {
    return this.wrap(R.setOp(this.relation, other.relation, "intersect", false));
  }
  intersectAll(other: DataFrame): DataFrame {
    return this.wrap(R.setOp(this.relation, other.relation, "intersect", true));
  }
  except(other: DataFrame): DataFrame {
    return this.wrap(R.setOp(this.relation, other.relation, "except", false));
  }
  exceptAll(other: DataFrame): DataFrame {
    return this.wrap(R.setOp(this.relation, other.relation, "except", true));
  }

  // ── grouping ────────────────────────────────────────────────────────────────
  groupBy(...cols: ColumnOrName[]): GroupedData {
    return new GroupedData(
      this,
      "groupby",
      cols.map((c) => toColumn(c).expr),
    );
  }
  rollup(...cols: ColumnOrName[]): GroupedData {
    return new GroupedData(
      this,
      "rollup",
      cols.map((c) => toColumn(c).expr),
    );
  }
  cube(...cols: ColumnOrName[]): GroupedData {
    return new GroupedData(
      this,
      "cube",
      cols.map((c) => toColumn(c).expr),
    );
  }
  /** Aggregates over the whole DataFrame: `df.agg(sum("x"), max("y"))`. */
  agg(...exprs: Column[]): DataFrame {
    return this.groupBy().agg(...exprs);
  }

  // ── ordering, slicing, partitioning ─────────────────────────────────────────
  orderBy(...cols: ColumnOrName[]): DataFrame {
    return this.wrap(
      R.sort(
        this.relation,
        cols.map((c) => toColumn(c).expr),
      ),
    );
  }
  sort(...cols: ColumnOrName[]): DataFrame {
    return this.orderBy(...cols);
  }
  sortWithinPartitions(...cols: ColumnOrName[]): DataFrame {
    return this.wrap(
      R.sort(
        this.relation,
        cols.map((c) => toColumn(c).expr),
        false,
      ),
    );
  }
  limit(n: number): DataFrame {
    return this.wrap(R.limit(this.relation, n));
  }
  offset(n: number): DataFrame {
    return this.wrap(R.offset(this.relation, n));
  }
  /**
   * Repartitions into `numPartitions` (round robin), or by columns: `repartition(8, "k")`, or
   * `repartition("k")` to let Spark pick the count (shuffle partitions, coalesced by AQE).
   */
  repartition(numPartitions: number | ColumnOrName, ...cols: ColumnOrName[]): DataFrame {
    if (typeof numPartitions !== "number") {
      return this.wrap(
        R.repartitionByExpression(
          this.relation,
          [numPartitions, ...cols].map((c) => toColumn(c).expr),
        ),
      );
    }
    if (cols.length === 0) return this.wrap(R.repartition(this.relation, numPartitions, true));
    return this.wrap(
      R.repartitionByExpression(
        this.relation,
        cols.map((c) => toColumn(c).expr),
        numPartitions,
      ),
    );
  }

  coalesce(numPartitions: number): DataFrame {
    return this.wrap(R.repartition(this.relation, numPartitions, false));
  }
  sample(fraction: number, options: { withReplacement?: boolean; seed?: number | bigint } = {}): DataFrame {
    return this.wrap(
      R.sample(
        this.relation,
        fraction,
        options.withReplacement ?? false,
        options.seed === undefined ? undefined : BigInt(options.seed),
      ),
    );
  }

  // ── naming, hints, observation ──────────────────────────────────────────────
  alias(name: string): DataFrame {
    return this.wrap(R.subqueryAlias(this.relation, name));
  }
  as(name: string): DataFrame {
    return this.alias(name);
  }
  hint(name: string, ...parameters: unknown[]): DataFrame {
    return this.wrap(R.hint(this.relation, name, parameters.map(toExpr)));
  }
  /**
   * Computes named aggregate metrics while the data flows through (no extra pass); they arrive
   * with the action's result (`collectResult().observedMetrics[name]`, or the writer's result).
   */
  observe(name: string, ...metrics: Column[]): DataFrame {
    return this.wrap(
      R.collectMetrics(
        this.relation,
        name,
        metrics.map((m) => m.expr),
      ),
    );
  }

  // ── caching ─────────────────────────────────────────────────────────────────
  async persist(level: StorageLevelName = "MEMORY_AND_DISK"): Promise<DataFrame> {
    await this.session.client.analyze({
      case: "persist",
      value: { relation: this.relation, storageLevel: { ...STORAGE_LEVELS[level], replication: 1 } },
    });
    return this;
  }
  cache(): Promise<DataFrame> {
    return this.persist("MEMORY_AND_DISK");
  }
  async unpersist(blocking = false): Promise<DataFrame> {
    await this.session.client.analyze({ case: "unpersist", value: { relation: this.relation, blocking } });
    return this;
  }

  // ── schema and plans (AnalyzePlan: nothing is computed) ─────────────────────
  /**
   * The result's schema (an AnalyzePlan `Schema` request; nothing is computed). Asked once per
   * DataFrame and kept, as PySpark's Connect DataFrame does: the plan is immutable, so only a
   * plan naming a table or view that is redefined later could change it. Throws
   * SparkConnectError (e.g. an unresolved column), and the next call asks again.
   */
  schema(): Promise<StructType> {
    this.cachedSchema ??= this.fetchSchema().catch((e: unknown) => {
      this.cachedSchema = undefined;
      throw e;
    });
    return this.cachedSchema;
  }
  private async fetchSchema(): Promise<StructType> {
    const r = await this.session.client.analyze({ case: "schema", value: { plan: this.plan } });
    const t = r.case === "schema" ? fromProtoDataType(r.value.schema) : undefined;
    if (t?.typeName !== "struct")
      throw new SparkConnectError("PROTOCOL", "The server did not return a schema.");
    return t;
  }
  async columns(): Promise<string[]> {
    return (await this.schema()).fields.map((f) => f.name);
  }
  async dtypes(): Promise<[string, string][]> {
    return (await this.schema()).fields.map((f) => [f.name, simpleString(f.dataType)]);
  }
  /** The schema as a tree (what `printSchema` prints). */
  async schemaTreeString(): Promise<string> {
    return treeString(await this.schema());
  }
  async printSchema(): Promise<void> {
    process.stdout.write(await this.schemaTreeString());
  }
  /** The plan as text; mode: simple, extended, codegen, cost, formatted. */
  async explainString(
    mode: "simple" | "extended" | "codegen" | "cost" | "formatted" = "simple",
  ): Promise<string> {
    const modes = {
      simple: AnalyzePlanRequest_Explain_ExplainMode.SIMPLE,
      extended: AnalyzePlanRequest_Explain_ExplainMode.EXTENDED,
      codegen: AnalyzePlanRequest_Explain_ExplainMode.CODEGEN,
      cost: AnalyzePlanRequest_Explain_ExplainMode.COST,
      formatted: AnalyzePlanRequest_Explain_ExplainMode.FORMATTED,
    };
    const r = await this.session.client.analyze({
      case: "explain",
      value: { plan: this.plan, explainMode: modes[mode] },
    });
    return r.case === "explain" ? r.value.explainString : "";
  }
  async explain(mode: "simple" | "extended" | "codegen" | "cost" | "formatted" = "simple"): Promise<void> {
    process.stdout.write(await this.explainString(mode));
  }
  async isLocal(): Promise<boolean> {
    const r = await this.session.client.analyze({ case: "isLocal", value: { plan: this.plan } });
    return r.case === "isLocal" && r.value.isLocal;
  }
  async inputFiles(): Promise<string[]> {
    const r = await this.session.client.analyze({ case: "inputFiles", value: { plan: this.plan } });
    return r.case === "inputFiles" ? r.value.files : [];
  }

  // ── statistics ──────────────────────────────────────────────────────────────
  describe(...cols: string[]): DataFrame {
    return this.wrap(R.describe(this.relation, cols));
  }
  summary(...statistics: string[]): DataFrame {
    return this.wrap(R.summary(this.relation, statistics));
  }

  // ── actions ─────────────────────────────────────────────────────────────────
  /**
   * Streams the execution: progress events while it runs, rows batch by batch (memory stays flat
   * in the result size), and a final `done` event with metrics. Throws SparkConnectError.
   */
  async *stream(options: ActionOptions = {}): AsyncGenerator<ExecutionEvent> {
    const info = emptyInfo();
    for await (const r of this.session.client.execute(this.plan, {
      tags: this.session.executionTags(options.tags),
      ...(options.signal ? { signal: options.signal } : {}),
    })) {
      const p = progressOf(r);
      if (p) {
        options.onProgress?.(p);
        yield { type: "progress", progress: p };
        continue;
      }
      for (const b of absorb(r, info)) yield { type: "rows", rows: batchToRows(b, options) };
    }
    yield { type: "done", info };
  }

  /** Rows one by one, decoded batch by batch as they arrive. */
  async *toLocalIterator(options: ActionOptions = {}): AsyncGenerator<Row> {
    for await (const e of this.stream(options)) if (e.type === "rows") yield* e.rows;
  }

  /** Runs the query and returns its Arrow record batches with the execution info. */
  async collectBatches(
    options: ActionOptions = {},
  ): Promise<{ batches: RecordBatch[]; info: ExecutionInfo }> {
    const info = emptyInfo();
    const batches: RecordBatch[] = [];
    for await (const r of this.session.client.execute(this.plan, {
      tags: this.session.executionTags(options.tags),
      ...(options.signal ? { signal: options.signal } : {}),
    })) {
      const p = progressOf(r);
      if (p) options.onProgress?.(p);
      else for (const b of absorb(r, info)) batches.push(b);
    }
    return { batches, info };
  }

  /** All rows with schema, plan metrics and observed metrics. */
  async collectResult(options: ActionOptions = {}): Promise<CollectResult> {
    const { batches, info } = await this.collectBatches(options);
    const rows: Row[] = [];
    for (const b of batches) {
      const part = batchToRows(b, options);
      for (let i = 0; i < part.length; i++) rows.push(part[i]!);
    }
    return { ...info, rows };
  }

  /** All rows as plain objects (see the type mapping in arrow/decode.ts). */
  async collect(options: ActionOptions = {}): Promise<Row[]> {
    return (await this.collectResult(options)).rows;
  }

  /** The result as an apache-arrow Table (no conversion to JS values). */
  async toArrow(options: ActionOptions = {}): Promise<Table> {
    const { batches, info } = await this.collectBatches(options);
    if (batches.length === 0 && info.schema) {
      return new ArrowTable();
    }
    return new ArrowTable(batches);
  }

  async take(n: number, options: ActionOptions = {}): Promise<Row[]> {
    return this.limit(n).collect(options);
  }
  async head(n = 1, options: ActionOptions = {}): Promise<Row[]> {
    return this.take(n, options);
  }
  /** The first row, or undefined for an empty DataFrame. */
  async first(options: ActionOptions = {}): Promise<Row | undefined> {
    return (await this.take(1, options))[0];
  }
  async isEmpty(options: ActionOptions = {}): Promise<boolean> {
    return (await this.select().limit(1).collect(options)).length === 0;
  }
  /** Number of rows (a number; throws if it exceeds 2^53). */
  async count(options: ActionOptions = {}): Promise<number> {
    const n = await this.countBig(options);
    if (n > BigInt(Number.MAX_SAFE_INTEGER))
      throw new SparkConnectError("INVALID_ARGUMENT", `count ${n} exceeds 2^53; use countBig().`);
    return Number(n);
  }
  /** Number of rows as a bigint. */
  async countBig(options: ActionOptions = {}): Promise<bigint> {
    const rows = await this.wrap(
      R.aggregate(this.relation, "groupby", [], [E.alias(E.call("count", [toExpr(1)]), ["count"])]),
    ).collect(options);
    return rows[0]?.count as bigint;
  }
  /** The table Spark's `show` prints, as a string. */
  async showString(numRows = 20, truncate: boolean | number = true, vertical = false): Promise<string> {
    const t = truncate === true ? 20 : truncate === false ? 0 : truncate;
    const rows = await this.wrap(R.showString(this.relation, numRows, t, vertical)).collect();
    return String(rows[0]?.show_string ?? "");
  }
  async show(numRows = 20, truncate: boolean | number = true, vertical = false): Promise<void> {
    process.stdout.write(await this.showString(numRows, truncate, vertical));
  }

  // ── views and writing ───────────────────────────────────────────────────────
  async createOrReplaceTempView(name: string): Promise<void> {
    await this.session.executeCommand({
      case: "createDataframeView",
      value: { input: this.relation, name, isGlobal: false, replace: true },
    });
  }
  async createTempView(name: string): Promise<void> {
    await this.session.executeCommand({
      case: "createDataframeView",
      value: { input: this.relation, name, isGlobal: false, replace: false },
    });
  }
  async createOrReplaceGlobalTempView(name: string): Promise<void> {
    await this.session.executeCommand({
      case: "createDataframeView",
      value: { input: this.relation, name, isGlobal: true, replace: true },
    });
  }
  get write(): DataFrameWriter {
    return new DataFrameWriter(this);
  }

  // ── PySpark Connect methods beyond the core set (implemented in dataframe-ops.ts) ──
  /** Statistics: `df.stat.corr("a", "b")`, `crosstab`, `freqItems`, `approxQuantile`, `sampleBy`. */
  get stat(): DataFrameStatFunctions {
    return new DataFrameStatFunctions(this);
  }
  /** Starts a streaming query from a streaming DataFrame: `df.writeStream.format("parquet")…start(dir)`. */
  get writeStream(): DataStreamWriter {
    return new DataStreamWriter(this);
  }
  /** A V2 writer for catalog table `table`: `df.writeTo("db.t").using("parquet").create()`. */
  writeTo(table: string): DataFrameWriterV2 {
    return new DataFrameWriterV2(this, table);
  }
  /**
   * Wide to long: one row per (id columns, value column) pair, with the value column's name in
   * `variableColumnName` and its value in `valueColumnName` (SQL UNPIVOT). `values` defaults to
   * every non-id column; the value columns must share a type.
   */
  unpivot(
    ids: ColumnOrName[],
    values: ColumnOrName[] | undefined,
    variableColumnName: string,
    valueColumnName: string,
  ) {
    return Ops.unpivot(this, ids, values, variableColumnName, valueColumnName);
  }
  /** Same as {@link DataFrame.unpivot}. */
  melt(
    ids: ColumnOrName[],
    values: ColumnOrName[] | undefined,
    variableColumnName: string,
    valueColumnName: string,
  ) {
    return Ops.unpivot(this, ids, values, variableColumnName, valueColumnName);
  }
  /** Disjoint random splits in proportion to `weights` (normalised); same seed, same splits. */
  randomSplit(weights: number[], seed?: number | bigint): DataFrame[] {
    return Ops.randomSplit(this, weights, seed);
  }
  /** The last `n` rows (Spark's `Tail`: all rows pass through the driver's memory). */
  tail(n: number): Promise<Row[]> {
    return Ops.tail(this, n);
  }
  /** `f(this)`, for chaining reusable steps: `df.transform(cleanNames).transform(addTotals)`. */
  transform<A extends unknown[]>(f: (df: DataFrame, ...args: A) => DataFrame, ...args: A): DataFrame {
    return f(this, ...args);
  }
  /** Range-partitions by the given sort columns (sampled bounds) into `numPartitions`. */
  repartitionByRange(numPartitions: number | ColumnOrName, ...cols: ColumnOrName[]): DataFrame {
    const [n, all] =
      typeof numPartitions === "number" ? [numPartitions, cols] : [undefined, [numPartitions, ...cols]];
    return this.wrap(
      A.repartitionByExpression(
        this.relation,
        all.map((c) => {
          const e = toColumn(c).expr;
          return e.exprType.case === "sortOrder" ? e : E.sortOrderExpr(e, "asc", undefined);
        }),
        n,
      ),
    );
  }
  /** Checkpoints to the checkpoint directory (`spark.checkpoint.dir`), truncating the plan. */
  checkpoint(eager = true): Promise<DataFrame> {
    return Ops.checkpoint(this, false, eager);
  }
  /** Checkpoints into executors' storage (fast, lost with an executor), truncating the plan. */
  localCheckpoint(eager = true, storageLevel?: StorageLevelName): Promise<DataFrame> {
    return Ops.checkpoint(this, true, eager, storageLevel);
  }
  /** Aggregation over several grouping sets at once (SQL `GROUPING SETS`); `cols` are the grouping columns. */
  groupingSets(sets: ColumnOrName[][], ...cols: ColumnOrName[]): GroupedData {
    const toExprs = (cs: ColumnOrName[]) => cs.map((c) => toColumn(c).expr);
    return new GroupedData(this, "groupby", toExprs(cols), undefined, sets.map(toExprs));
  }
  /** One string column `value` holding each row as a JSON object. */
  toJSON(): DataFrame {
    return Ops.toJSON(this);
  }
  /** The columns whose names match a Java regex in backquotes, e.g. ``df.colRegex("`(id|name)`")``. */
  colRegex(colName: string): Column {
    return Ops.colRegex(this, colName);
  }
  /** Streaming: rows later than the max event time minus `delayThreshold` (`"10 minutes"`) may be dropped. */
  withWatermark(eventTime: string, delayThreshold: string): DataFrame {
    return this.wrap(A.withWatermark(this.relation, eventTime, delayThreshold));
  }
  /** Streaming: drops duplicates seen within the watermark delay. */
  dropDuplicatesWithinWatermark(cols?: string[]): DataFrame {
    return this.wrap(A.deduplicateWithinWatermark(this.relation, cols));
  }
  /** Rows become columns: the first column (or `indexColumn`) supplies the new column names. */
  transpose(indexColumn?: ColumnOrName): DataFrame {
    return this.wrap(
      A.transpose(this.relation, indexColumn === undefined ? [] : [toColumn(indexColumn).expr]),
    );
  }
  /** True when both plans compute the same result (AnalyzePlan `SameSemantics`). */
  sameSemantics(other: DataFrame): Promise<boolean> {
    return Ops.sameSemantics(this, other);
  }
  /** A hash of the analysed plan, equal for plans with the same semantics (AnalyzePlan `SemanticHash`). */
  semanticHash(): Promise<number> {
    return Ops.semanticHash(this);
  }
}

/** Aggregation over groups: `df.groupBy("k").agg(sum("v").alias("total"))`. */
export class GroupedData {
  constructor(
    private readonly df: DataFrame,
    private readonly groupType: R.GroupType,
    private readonly grouping: Expression[],
    private readonly pivotSpec?: { col: Expression; values: unknown[] },
    private readonly sets?: Expression[][],
  ) {}

  /** Aggregate columns, or a map column name → function name (`{ amount: "sum" }`). */
  agg(...exprs: (Column | Record<string, string>)[]): DataFrame {
    const cols: Expression[] = [];
    for (const e of exprs) {
      if (e instanceof Column) cols.push(e.expr);
      else
        for (const [c, f] of Object.entries(e))
          cols.push(E.alias(E.call(f, [toColumn(c).expr]), [`${f}(${c})`]));
    }
    if (this.sets)
      return new DataFrame(this.df.session, A.groupingSets(this.df.relation, this.sets, this.grouping, cols));
    return new DataFrame(
      this.df.session,
      R.aggregate(
        this.df.relation,
        this.pivotSpec ? "pivot" : this.groupType,
        this.grouping,
        cols,
        this.pivotSpec,
      ),
    );
  }
  count(): DataFrame {
    return this.agg(new Column(E.alias(E.call("count", [toExpr(1)]), ["count"])));
  }
  private simple(fn: string, cols: string[]): DataFrame {
    return this.agg(...cols.map((c) => new Column(E.alias(E.call(fn, [toColumn(c).expr]), [`${fn}(${c})`]))));
  }
  sum(...cols: string[]): DataFrame {
    return this.simple("sum", cols);
  }
  avg(...cols: string[]): DataFrame {
    return this.simple("avg", cols);
  }
  mean(...cols: string[]): DataFrame {
    return this.simple("avg", cols);
  }
  min(...cols: string[]): DataFrame {
    return this.simple("min", cols);
  }
  max(...cols: string[]): DataFrame {
    return this.simple("max", cols);
  }
  /** Turns the distinct values of `col` into columns (give `values` to skip a pass computing them). */
  pivot(col: ColumnOrName, values?: unknown[]): GroupedData {
    if (this.groupType !== "groupby")
      throw new SparkConnectError(
        "INVALID_ARGUMENT",
        "pivot() can only follow groupBy(), not rollup() or cube().",
      );
    return new GroupedData(this.df, "pivot", this.grouping, {
      col: toColumn(col).expr,
      values: values ?? [],
    });
  }
}

/** `df.na`: fill, drop and replace missing values. */
export class DataFrameNaFunctions {
  constructor(private readonly df: DataFrame) {}

  /** Fills nulls: one value for all compatible columns (or `subset`), or a map column → value. */
  fill(value: unknown | Record<string, unknown>, subset: string[] = []): DataFrame {
    if (value !== null && typeof value === "object" && !(value instanceof Date)) {
      const entries = Object.entries(value as Record<string, unknown>);
      return new DataFrame(
        this.df.session,
        R.fillNa(
          this.df.relation,
          entries.map(([k]) => k),
          entries.map(([, v]) => v),
        ),
      );
    }
    return new DataFrame(this.df.session, R.fillNa(this.df.relation, subset, [value]));
  }
  /** Drops rows with nulls: `how` any (default) or all, or keep rows with at least `thresh` non-nulls. */
  drop(options: { how?: "any" | "all"; thresh?: number; subset?: string[] } = {}): DataFrame {
    const subset = options.subset ?? [];
    let minNonNulls = options.thresh;
    if (minNonNulls === undefined && options.how === "all") minNonNulls = 1;
    return new DataFrame(this.df.session, R.dropNa(this.df.relation, subset, minNonNulls));
  }
  /** Replaces values: a map old → new (keys are strings; give numbers via `pairs`), in all or `subset` columns. */
  replace(replacements: Record<string, unknown> | [unknown, unknown][], subset: string[] = []): DataFrame {
    const pairs = Array.isArray(replacements)
      ? replacements
      : (Object.entries(replacements) as [unknown, unknown][]);
    return new DataFrame(this.df.session, R.replaceNa(this.df.relation, subset, pairs));
  }
}
