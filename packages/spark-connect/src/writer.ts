import type { ExecutionInfo } from "./client/results.js";
import type { ActionOptions, DataFrame } from "./dataframe.js";
import { SparkConnectError } from "./errors.js";
import {
  WriteOperation_SaveMode,
  WriteOperation_SaveTable_TableSaveMethod,
} from "./gen/spark/connect/commands_pb.js";

/** What a write does when its target exists (see {@link DataFrameWriter.mode}). */
export type SaveMode = "error" | "errorifexists" | "overwrite" | "append" | "ignore";

const MODES: Record<SaveMode, WriteOperation_SaveMode> = {
  error: WriteOperation_SaveMode.ERROR_IF_EXISTS,
  errorifexists: WriteOperation_SaveMode.ERROR_IF_EXISTS,
  overwrite: WriteOperation_SaveMode.OVERWRITE,
  append: WriteOperation_SaveMode.APPEND,
  ignore: WriteOperation_SaveMode.IGNORE,
};

interface WriterState {
  source?: string;
  mode: SaveMode;
  options: Record<string, string>;
  partitionBy: string[];
  bucketBy?: { numBuckets: number; columns: string[] };
  sortBy: string[];
}

/**
 * Writes a DataFrame: `df.write.mode("overwrite").partitionBy("day").parquet(path)`. Immutable
 * builder; `save`/`saveAsTable` run the write and resolve with the execution info (observed
 * metrics of `df.observe(...)` included).
 */
export class DataFrameWriter {
  /** @internal made by `df.write`. */
  constructor(
    private readonly df: DataFrame,
    private readonly state: WriterState = { mode: "error", options: {}, partitionBy: [], sortBy: [] },
  ) {}

  private with(patch: Partial<WriterState>): DataFrameWriter {
    return new DataFrameWriter(this.df, { ...this.state, ...patch });
  }
  /** The data source to write: `parquet` (Spark's default), `csv`, `json`, `orc`, `text`, `delta`…. */
  format(source: string): DataFrameWriter {
    return this.with({ source });
  }
  /**
   * What to do when the target exists: `error`/`errorifexists` (default: fail), `overwrite`, `append`, `ignore` (write nothing). Throws SparkConnectError INVALID_ARGUMENT for any other name.
   */
  mode(mode: SaveMode): DataFrameWriter {
    const m = String(mode).toLowerCase() as SaveMode;
    if (!Object.hasOwn(MODES, m))
      throw new SparkConnectError(
        "INVALID_ARGUMENT",
        `Unknown save mode "${mode}"; use error, overwrite, append or ignore.`,
      );
    return this.with({ mode: m });
  }
  /** One option of the data source (e.g. `compression`, `header`). Values are sent as strings. */
  option(key: string, value: string | number | boolean): DataFrameWriter {
    return this.with({ options: { ...this.state.options, [key]: String(value) } });
  }
  /** Several options at once. */
  options(options: Record<string, string | number | boolean>): DataFrameWriter {
    let w: DataFrameWriter = this;
    for (const [k, v] of Object.entries(options)) w = w.option(k, v);
    return w;
  }
  /** Writes one folder per value of the columns (`col=value/`), Hive-style. */
  partitionBy(...cols: string[]): DataFrameWriter {
    return this.with({ partitionBy: cols });
  }
  /** Buckets the output (only with saveAsTable). */
  bucketBy(numBuckets: number, ...cols: string[]): DataFrameWriter {
    return this.with({ bucketBy: { numBuckets, columns: cols } });
  }
  /** Sorts each bucket by the columns (only with bucketBy and saveAsTable). */
  sortBy(...cols: string[]): DataFrameWriter {
    return this.with({ sortBy: cols });
  }

  /** Writes to a path (or to the source's default location when none). */
  async save(path?: string, options: ActionOptions = {}): Promise<ExecutionInfo> {
    return this.run(path === undefined ? undefined : { case: "path", value: path }, options);
  }
  /** Writes the rows as catalog table `name` (created when missing; `mode` decides when it exists). */
  async saveAsTable(name: string, options: ActionOptions = {}): Promise<ExecutionInfo> {
    return this.run(
      {
        case: "table",
        value: { tableName: name, saveMethod: WriteOperation_SaveTable_TableSaveMethod.SAVE_AS_TABLE },
      },
      options,
    );
  }
  /**
   * Inserts the rows into existing table `name`, matching columns by position (not by name); `overwrite` mode replaces its rows.
   */
  async insertInto(name: string, options: ActionOptions = {}): Promise<ExecutionInfo> {
    return this.run(
      {
        case: "table",
        value: { tableName: name, saveMethod: WriteOperation_SaveTable_TableSaveMethod.INSERT_INTO },
      },
      options,
    );
  }
  /** `format("parquet").save(path)`. */
  parquet(path: string, options?: ActionOptions) {
    return this.format("parquet").save(path, options);
  }
  /** `format("json").save(path)`: JSON Lines files. */
  json(path: string, options?: ActionOptions) {
    return this.format("json").save(path, options);
  }
  /** `format("csv").save(path)` (no header line unless `option("header", true)`). */
  csv(path: string, options?: ActionOptions) {
    return this.format("csv").save(path, options);
  }
  /** `format("orc").save(path)`. */
  orc(path: string, options?: ActionOptions) {
    return this.format("orc").save(path, options);
  }
  /** `format("text").save(path)`: needs exactly one STRING column. */
  text(path: string, options?: ActionOptions) {
    return this.format("text").save(path, options);
  }

  private run(
    saveType:
      | { case: "path"; value: string }
      | { case: "table"; value: { tableName: string; saveMethod: WriteOperation_SaveTable_TableSaveMethod } }
      | undefined,
    options: ActionOptions,
  ): Promise<ExecutionInfo> {
    const s = this.state;
    return this.df.session.executeCommand(
      {
        case: "writeOperation",
        value: {
          input: this.df.relation,
          ...(s.source ? { source: s.source } : {}),
          ...(saveType ? { saveType } : {}),
          mode: MODES[s.mode],
          options: s.options,
          partitioningColumns: s.partitionBy,
          sortColumnNames: s.sortBy,
          ...(s.bucketBy
            ? { bucketBy: { numBuckets: s.bucketBy.numBuckets, bucketColumnNames: s.bucketBy.columns } }
            : {}),
        },
      },
      options,
    );
  }
}
