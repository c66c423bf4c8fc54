import type { ExecutionInfo } from "./client/results.js";
import type { ActionOptions, DataFrame } from "./dataframe.js";
import { SparkConnectError } from "./errors.js";
import {
  WriteOperation_SaveMode,
  WriteOperation_SaveTable_TableSaveMethod,
} from "./gen/spark/connect/commands_pb.js";

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
  constructor(
    private readonly df: DataFrame,
    private readonly state: WriterState = { mode: "error", options: {}, partitionBy: [], sortBy: [] },
  ) {}

  private with(patch: Partial<WriterState>): DataFrameWriter {
    return new DataFrameWriter(this.df, { ...this.state, ...patch });
  }
  format(source: string): DataFrameWriter {
    return this.with({ source });
  }
  mode(mode: SaveMode): DataFrameWriter {
    const m = String(mode).toLowerCase() as SaveMode;
    if (!Object.hasOwn(MODES, m))
      throw new SparkConnectError(
        "INVALID_ARGUMENT",
        `Unknown save mode "${mode}"; use error, overwrite, append or ignore.`,
      );
    return this.with({ mode: m });
  }
  option(key: string, value: string | number | boolean): DataFrameWriter {
    return this.with({ options: { ...this.state.options, [key]: String(value) } });
  }
  options(options: Record<string, string | number | boolean>): DataFrameWriter {
    let w: DataFrameWriter = this;
    for (const [k, v] of Object.entries(options)) w = w.option(k, v);
    return w;
  }
  partitionBy(...cols: string[]): DataFrameWriter {
    return this.with({ partitionBy: cols });
  }
  /** Buckets the output (only with saveAsTable). */
  bucketBy(numBuckets: number, ...cols: string[]): DataFrameWriter {
    return this.with({ bucketBy: { numBuckets, columns: cols } });
  }
  sortBy(...cols: string[]): DataFrameWriter {
    return this.with({ sortBy: cols });
  }

  /** Writes to a path (or to the source's default location when none). */
  async save(path?: string, options: ActionOptions = {}): Promise<ExecutionInfo> {
    return this.run(path === undefined ? undefined : { case: "path", value: path }, options);
  }
  async saveAsTable(name: string, options: ActionOptions = {}): Promise<ExecutionInfo> {
    return this.run(
      {
        case: "table",
        value: { tableName: name, saveMethod: WriteOperation_SaveTable_TableSaveMethod.SAVE_AS_TABLE },
      },
      options,
    );
  }
  async insertInto(name: string, options: ActionOptions = {}): Promise<ExecutionInfo> {
    return this.run(
      {
        case: "table",
        value: { tableName: name, saveMethod: WriteOperation_SaveTable_TableSaveMethod.INSERT_INTO },
      },
      options,
    );
  }
  parquet(path: string, options?: ActionOptions) {
    return this.format("parquet").save(path, options);
  }
  json(path: string, options?: ActionOptions) {
    return this.format("json").save(path, options);
  }
  csv(path: string, options?: ActionOptions) {
    return this.format("csv").save(path, options);
  }
  orc(path: string, options?: ActionOptions) {
    return this.format("orc").save(path, options);
  }
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
