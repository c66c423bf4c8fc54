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
import { MergeIntoWriter } from "./merge-into.js";
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
  /** The result rows, decoded (see the type mapping in arrow/decode.ts). */
  rows: Row[];
}

/** One event of a streamed execution (see {@link DataFrame.stream}). */
export type ExecutionEvent =
  | {
      /** Server progress while the query runs. */
      type: "progress";
      /** Stages, tasks done, bytes read so far. */
      progress: ExecutionProgress;
    }
  | {
      /** One Arrow batch of the result, decoded. */
      type: "rows";
      /** The batch's rows, in order. */
      rows: Row[];
    }
  | {
      /** The execution ended; always the last event. */
      type: "done";
      /** Schema, plan metrics and observed metrics of the finished execution. */
      info: ExecutionInfo;
    };

/** Where `persist` keeps cached data (Spark's `StorageLevel` names; replication 1). */
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
  /** The session this DataFrame belongs to; its actions run there. */
  readonly session: SparkSession;
  /** The protocol relation this DataFrame stands for. */
  readonly relation: Relation;

  /** A DataFrame over a protocol relation (for raw-plan users; normally made by the session and other DataFrames). */
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
  /** The given columns (names, Columns, or arrays of them; `"*"` for all) — protocol `Project`. */
  select(...cols: (ColumnOrName | ColumnOrName[])[]): DataFrame {
    return this.wrap(
      R.project(
        this.relation,
        cols.flat().map((c) => toColumn(c).expr),
      ),
    );
  }
  /**
   * Columns from SQL expression text: `selectExpr("a", "b * 2 AS b2")` (protocol `Project` of `ExpressionString`s).
   */
  selectExpr(...exprs: string[]): DataFrame {
    return this.wrap(
      R.project(
        this.relation,
        exprs.map((e) => E.sqlExpression(e)),
      ),
    );
  }
  /**
   * The rows where `condition` (a boolean Column, or SQL text like `"amount > 0"`) is true; null counts as false (protocol `Filter`).
   */
  filter(condition: Column | string): DataFrame {
    return this.wrap(
      R.filter(this.relation, typeof condition === "string" ? E.sqlExpression(condition) : condition.expr),
    );
  }
  /** Same as {@link DataFrame.filter}. */
  where(condition: Column | string): DataFrame {
    return this.filter(condition);
  }
  /** Adds a column, or replaces the one with that name (protocol `WithColumns`). */
  withColumn(name: string, col: Column): DataFrame {
    return this.wrap(R.withColumns(this.relation, [{ name, expr: col.expr }]));
  }
  /** Adds or replaces several columns at once (one plan node, cheaper than chained withColumn). */
  withColumns(cols: Record<string, Column> | Map<string, Column>): DataFrame {
    const entries = cols instanceof Map ? [...cols] : Object.entries(cols);
    return this.wrap(
      R.withColumns(
        this.relation,
        entries.map(([name, c]) => ({ name, expr: c.expr })),
      ),
    );
  }
  /** Renames one column; a name that does not exist is ignored, as in Spark. */
  withColumnRenamed(existing: string, newName: string): DataFrame {
    return this.wrap(R.withColumnsRenamed(this.relation, [[existing, newName]]));
  }
  /** Renames several columns: `{ old: "new" }`; names that do not exist are ignored. */
  withColumnsRenamed(renames: Record<string, string>): DataFrame {
    return this.wrap(R.withColumnsRenamed(this.relation, Object.entries(renames)));
  }
  /** Renames all columns positionally. */
  toDF(...names: string[]): DataFrame {
    return this.wrap(R.toDF(this.relation, names));
  }
  /** Without the given columns (names or Columns); names that do not exist are ignored. */
  drop(...cols: ColumnOrName[]): DataFrame {
    const names = cols.filter((c): c is string => typeof c === "string");
    const exprs = cols.filter((c): c is Column => c instanceof Column).map((c) => c.expr);
    return this.wrap(R.drop(this.relation, exprs, names));
  }

  // ── duplicates and missing values ───────────────────────────────────────────
  /** Without duplicate rows (all columns compared). */
  distinct(): DataFrame {
    return this.wrap(R.deduplicate(this.relation, undefined));
  }
  /**
   * Without rows that repeat the values of `cols` (all columns when omitted); which duplicate survives is not defined.
   */
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
  /**
   * Lateral join (SQL `JOIN LATERAL`, PySpark 4 `lateralJoin`, protocol `LateralJoin`): `other` is
   * evaluated for each row of this DataFrame and may refer to its columns, marked with
   * {@link Column.outer} (`F.col("c.id").outer()` after `this.alias("c")`). `how`: inner (default),
   * left (leftouter, left_outer) or cross; other names throw SparkConnectError INVALID_ARGUMENT. An
   * unresolvable outer reference fails at execution with Spark's `UNRESOLVED_COLUMN` error.
   */
  lateralJoin(other: DataFrame, on?: Column, how = "inner"): DataFrame {
    return this.wrap(R.lateralJoin(this.relation, other.relation, how, on?.expr));
  }
  /** The Cartesian product with `other` (every pair of rows). */
  crossJoin(other: DataFrame): DataFrame {
    return this.wrap(R.join(this.relation, other.relation, "cross", {}));
  }
  /**
   * The rows of both DataFrames, duplicates kept, matched by column position (SQL `UNION ALL`); throws at execution when the column counts differ.
   */
  union(other: DataFrame): DataFrame {
    return this.wrap(R.setOp(this.relation, other.relation, "union", true));
  }
  /** Same as {@link DataFrame.union}. */
  unionAll(other: DataFrame): DataFrame {
    return this.union(other);
  }
  /**
   * The rows of both, matched by column name; with `allowMissingColumns`, columns only one side has are filled with null.
   */
  unionByName(other: DataFrame, allowMissingColumns = false): DataFrame {
    return this.wrap(R.setOp(this.relation, other.relation, "union", true, true, allowMissingColumns));
  }
  /** The distinct rows present in both (SQL `INTERSECT`). */
  intersect(other: DataFrame): DataFrame {
    return this.wrap(R.setOp(this.relation, other.relation, "intersect", false));
  }
  /** The rows present in both, duplicates kept as often as in both (SQL `INTERSECT ALL`). */
  intersectAll(other: DataFrame): DataFrame {
    return this.wrap(R.setOp(this.relation, other.relation, "intersect", true));
  }
  /** The distinct rows not in `other` (SQL `EXCEPT`). */
  except(other: DataFrame): DataFrame {
    return this.wrap(R.setOp(this.relation, other.relation, "except", false));
  }
  /** The rows not in `other`, duplicates kept (SQL `EXCEPT ALL`). */
  exceptAll(other: DataFrame): DataFrame {
    return this.wrap(R.setOp(this.relation, other.relation, "except", true));
  }

  // ── grouping ────────────────────────────────────────────────────────────────
  /**
   * Groups rows by the given columns for {@link GroupedData.agg}; no columns groups everything into one row.
   */
  groupBy(...cols: ColumnOrName[]): GroupedData {
    return new GroupedData(
      this,
      "groupby",
      cols.map((c) => toColumn(c).expr),
    );
  }
  /** Groups by hierarchical subtotals of the columns (SQL `ROLLUP`): (a, b), (a), (). */
  rollup(...cols: ColumnOrName[]): GroupedData {
    return new GroupedData(
      this,
      "rollup",
      cols.map((c) => toColumn(c).expr),
    );
  }
  /** Groups by every combination of the columns (SQL `CUBE`). */
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
  /**
   * Sorted by the columns (ascending unless a Column says `.desc()`), a global sort (protocol `Sort`, `is_global`).
   */
  orderBy(...cols: ColumnOrName[]): DataFrame {
    return this.wrap(
      R.sort(
        this.relation,
        cols.map((c) => toColumn(c).expr),
      ),
    );
  }
  /** Same as {@link DataFrame.orderBy}. */
  sort(...cols: ColumnOrName[]): DataFrame {
    return this.orderBy(...cols);
  }
  /** Sorted within each partition only (no shuffle). */
  sortWithinPartitions(...cols: ColumnOrName[]): DataFrame {
    return this.wrap(
      R.sort(
        this.relation,
        cols.map((c) => toColumn(c).expr),
        false,
      ),
    );
  }
  /** At most `n` rows (which ones is defined only after a sort). */
  limit(n: number): DataFrame {
    return this.wrap(R.limit(this.relation, n));
  }
  /** Without the first `n` rows (meaningful after a sort). */
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

  /** At most `numPartitions` partitions, merged without a shuffle. */
  coalesce(numPartitions: number): DataFrame {
    return this.wrap(R.repartition(this.relation, numPartitions, false));
  }
  /**
   * A random sample with about `fraction` (0–1) of the rows (not an exact count); `withReplacement` allows repeats; the same `seed` gives the same sample.
   */
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
  /**
   * This DataFrame under a name, for qualified column references (`F.col("t.id")`) after joins (protocol `SubqueryAlias`).
   */
  alias(name: string): DataFrame {
    return this.wrap(R.subqueryAlias(this.relation, name));
  }
  /** Same as {@link DataFrame.alias}. */
  as(name: string): DataFrame {
    return this.alias(name);
  }
  /** A hint for the optimizer: `hint("broadcast")`, `hint("repartition", 8)` (protocol `Hint`). */
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
  /**
   * Caches the result at `level` (default MEMORY_AND_DISK) the first time an action computes it (AnalyzePlan `Persist`). Returns this DataFrame.
   */
  async persist(level: StorageLevelName = "MEMORY_AND_DISK"): Promise<DataFrame> {
    await this.session.client.analyze({
      case: "persist",
      value: { relation: this.relation, storageLevel: { ...STORAGE_LEVELS[level], replication: 1 } },
    });
    return this;
  }
  /** Same as `persist("MEMORY_AND_DISK")`. */
  cache(): Promise<DataFrame> {
    return this.persist("MEMORY_AND_DISK");
  }
  /** Drops the cached data; `blocking` waits until it is gone (AnalyzePlan `Unpersist`). */
  async unpersist(blocking = false): Promise<DataFrame> {
    await this.session.client.analyze({ case: "unpersist", value: { relation: this.relation, blocking } });
    return this;
  }

  // ── schema and plans (AnalyzePlan: nothing is computed) ─────────────────────
  /**
   * The result's schema, computed by the server without running the query (AnalyzePlan `Schema`). Throws SparkConnectError (ANALYSIS) for an invalid plan.
   */
  async schema(): Promise<StructType> {
    const r = await this.session.client.analyze({ case: "schema", value: { plan: this.plan } });
    const t = r.case === "schema" ? fromProtoDataType(r.value.schema) : undefined;
    if (t?.typeName !== "struct")
      throw new SparkConnectError("PROTOCOL", "The server did not return a schema.");
    return t;
  }
  /** The result's column names (from {@link DataFrame.schema}). */
  async columns(): Promise<string[]> {
    return (await this.schema()).fields.map((f) => f.name);
  }
  /** `[name, type]` pairs with types in Spark's simple-string form (`"int"`, `"decimal(10,2)"`). */
  async dtypes(): Promise<[string, string][]> {
    return (await this.schema()).fields.map((f) => [f.name, simpleString(f.dataType)]);
  }
  /** The schema as a tree (what `printSchema` prints). */
  async schemaTreeString(): Promise<string> {
    return treeString(await this.schema());
  }
  /** Prints {@link DataFrame.schemaTreeString} to stdout. */
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
  /** Prints {@link DataFrame.explainString} to stdout. */
  async explain(mode: "simple" | "extended" | "codegen" | "cost" | "formatted" = "simple"): Promise<void> {
    process.stdout.write(await this.explainString(mode));
  }
  /** True when `collect` can run on the driver without executors (AnalyzePlan `IsLocal`). */
  async isLocal(): Promise<boolean> {
    const r = await this.session.client.analyze({ case: "isLocal", value: { plan: this.plan } });
    return r.case === "isLocal" && r.value.isLocal;
  }
  /** The files the plan reads, as far as the server knows them (AnalyzePlan `InputFiles`). */
  async inputFiles(): Promise<string[]> {
    const r = await this.session.client.analyze({ case: "inputFiles", value: { plan: this.plan } });
    return r.case === "inputFiles" ? r.value.files : [];
  }

  // ── statistics ──────────────────────────────────────────────────────────────
  /**
   * count, mean, stddev, min and max of the given columns (all numeric and string columns when none), as a DataFrame of strings.
   */
  describe(...cols: string[]): DataFrame {
    return this.wrap(R.describe(this.relation, cols));
  }
  /**
   * The given statistics (`"count"`, `"mean"`, `"25%"`, `"max"`…; a default set when none) for each column, as a DataFrame of strings.
   */
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
  async collectBatches(options: ActionOptions = {}): Promise<{
    /** The result's Arrow record batches, in order, undecoded. */
    batches: RecordBatch[];
    /** Schema, plan metrics and observed metrics of the execution. */
    info: ExecutionInfo;
  }> {
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

  /** The first `n` rows (runs `limit(n)`). */
  async take(n: number, options: ActionOptions = {}): Promise<Row[]> {
    return this.limit(n).collect(options);
  }
  /** The first `n` rows (default 1). */
  async head(n = 1, options: ActionOptions = {}): Promise<Row[]> {
    return this.take(n, options);
  }
  /** The first row, or undefined for an empty DataFrame. */
  async first(options: ActionOptions = {}): Promise<Row | undefined> {
    return (await this.take(1, options))[0];
  }
  /** True when the result has no rows (reads at most one). */
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
  /** Prints {@link DataFrame.showString} to stdout. */
  async show(numRows = 20, truncate: boolean | number = true, vertical = false): Promise<void> {
    process.stdout.write(await this.showString(numRows, truncate, vertical));
  }

  // ── views and writing ───────────────────────────────────────────────────────
  /**
   * Registers the DataFrame as a temporary view of this session, replacing one with that name (usable in `spark.sql`).
   */
  async createOrReplaceTempView(name: string): Promise<void> {
    await this.session.executeCommand({
      case: "createDataframeView",
      value: { input: this.relation, name, isGlobal: false, replace: true },
    });
  }
  /**
   * Registers a temporary view; throws SparkConnectError (`TEMP_TABLE_OR_VIEW_ALREADY_EXISTS`) when the name is taken.
   */
  async createTempView(name: string): Promise<void> {
    await this.session.executeCommand({
      case: "createDataframeView",
      value: { input: this.relation, name, isGlobal: false, replace: false },
    });
  }
  /** Registers a view visible to all sessions of the server as `global_temp.<name>`. */
  async createOrReplaceGlobalTempView(name: string): Promise<void> {
    await this.session.executeCommand({
      case: "createDataframeView",
      value: { input: this.relation, name, isGlobal: true, replace: true },
    });
  }
  /** A writer for files and tables: `df.write.mode("overwrite").parquet(dir)`. */
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
  /**
   * MERGE INTO the catalog table `table` with this DataFrame as the source, matched on `condition`
   * (PySpark 4 `mergeInto`): chain `whenMatched()`, `whenNotMatched()`, `whenNotMatchedBySource()`
   * actions and end with `merge()`. See {@link MergeIntoWriter} for what the table must support.
   */
  mergeInto(table: string, condition: Column): MergeIntoWriter {
    return new MergeIntoWriter(this, table, condition);
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
  /** @internal made by `groupBy`, `rollup`, `cube`, `groupingSets` and `pivot`. */
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
  /** The number of rows per group, in a BIGINT column `count`. */
  count(): DataFrame {
    return this.agg(new Column(E.alias(E.call("count", [toExpr(1)]), ["count"])));
  }
  private simple(fn: string, cols: string[]): DataFrame {
    return this.agg(...cols.map((c) => new Column(E.alias(E.call(fn, [toColumn(c).expr]), [`${fn}(${c})`]))));
  }
  /** The sum of each given numeric column per group (columns `sum(<name>)`). */
  sum(...cols: string[]): DataFrame {
    return this.simple("sum", cols);
  }
  /** The mean of each given numeric column per group (columns `avg(<name>)`). */
  avg(...cols: string[]): DataFrame {
    return this.simple("avg", cols);
  }
  /** Same as {@link GroupedData.avg}. */
  mean(...cols: string[]): DataFrame {
    return this.simple("avg", cols);
  }
  /** The smallest value of each given column per group (columns `min(<name>)`). */
  min(...cols: string[]): DataFrame {
    return this.simple("min", cols);
  }
  /** The largest value of each given column per group (columns `max(<name>)`). */
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
  /** @internal made by `df.na`. */
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
