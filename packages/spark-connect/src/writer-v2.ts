import type { ExecutionInfo } from "./client/results.js";
import { type ColumnOrName, toColumn } from "./column.js";
import type { ActionOptions, DataFrame } from "./dataframe.js";
import { WriteOperationV2_Mode } from "./gen/spark/connect/commands_pb.js";
import type { Expression } from "./gen/spark/connect/expressions_pb.js";

interface WriterV2State {
  provider?: string;
  options: Record<string, string>;
  tableProperties: Record<string, string>;
  partitionedBy: Expression[];
  clusterBy: string[];
}

/**
 * Writes a DataFrame to a catalog table with the V2 API (`df.writeTo("db.t")`), as PySpark's
 * `DataFrameWriterV2`; each action sends one Spark Connect `WriteOperationV2` command. Immutable
 * builder: `using`, `option(s)`, `tableProperty`, `partitionedBy`, `clusterBy` return a new writer.
 * `create` works in the session catalog with file sources (parquet…); `append`, `overwrite` and
 * `overwritePartitions` need a V2 table (Delta, Iceberg): on the session catalog's file-source (V1)
 * tables Spark rejects them with SparkConnectError ("Cannot write into v1 table"), and `replace`/
 * `createOrReplace` with `UNSUPPORTED_FEATURE.TABLE_OPERATION`. Use `df.write` there.
 */
export class DataFrameWriterV2 {
  /** @internal made by `df.writeTo(table)`. */
  constructor(
    private readonly df: DataFrame,
    private readonly table: string,
    private readonly state: WriterV2State = {
      options: {},
      tableProperties: {},
      partitionedBy: [],
      clusterBy: [],
    },
  ) {}

  private with(patch: Partial<WriterV2State>): DataFrameWriterV2 {
    return new DataFrameWriterV2(this.df, this.table, { ...this.state, ...patch });
  }

  /** The table provider (data source), e.g. `parquet` or `delta`. */
  using(provider: string): DataFrameWriterV2 {
    return this.with({ provider });
  }
  /** One option of the table's data source, sent as a string. */
  option(key: string, value: string | number | boolean): DataFrameWriterV2 {
    return this.with({ options: { ...this.state.options, [key]: String(value) } });
  }
  /** Several options at once. */
  options(options: Record<string, string | number | boolean>): DataFrameWriterV2 {
    const more = Object.fromEntries(Object.entries(options).map(([k, v]) => [k, String(v)]));
    return this.with({ options: { ...this.state.options, ...more } });
  }
  /** A table property (`TBLPROPERTIES`) for a created or replaced table. */
  tableProperty(key: string, value: string): DataFrameWriterV2 {
    return this.with({ tableProperties: { ...this.state.tableProperties, [key]: value } });
  }
  /**
   * Partitions a created table by columns or partition transforms (`functions.years("ts")`,
   * `bucket(4, "id")` style expressions are passed through as given).
   */
  partitionedBy(...cols: ColumnOrName[]): DataFrameWriterV2 {
    return this.with({ partitionedBy: cols.map((c) => toColumn(c).expr) });
  }
  /** Clusters a created table by columns (liquid clustering, where the table format has it). */
  clusterBy(...cols: string[]): DataFrameWriterV2 {
    return this.with({ clusterBy: cols });
  }

  private run(
    mode: WriteOperationV2_Mode,
    options: ActionOptions,
    condition?: Expression,
  ): Promise<ExecutionInfo> {
    const s = this.state;
    return this.df.session.executeCommand(
      {
        case: "writeOperationV2",
        value: {
          input: this.df.relation,
          tableName: this.table,
          ...(s.provider ? { provider: s.provider } : {}),
          partitioningColumns: s.partitionedBy,
          options: s.options,
          tableProperties: s.tableProperties,
          clusteringColumns: s.clusterBy,
          mode,
          ...(condition ? { overwriteCondition: condition } : {}),
        },
      },
      options,
    );
  }

  /** Creates the table with this DataFrame's rows; fails if it exists (`TABLE_OR_VIEW_ALREADY_EXISTS`). */
  create(options: ActionOptions = {}): Promise<ExecutionInfo> {
    return this.run(WriteOperationV2_Mode.CREATE, options);
  }
  /** Replaces an existing table's schema and rows; fails if it does not exist. */
  replace(options: ActionOptions = {}): Promise<ExecutionInfo> {
    return this.run(WriteOperationV2_Mode.REPLACE, options);
  }
  /** Creates the table, or replaces it if it exists. */
  createOrReplace(options: ActionOptions = {}): Promise<ExecutionInfo> {
    return this.run(WriteOperationV2_Mode.CREATE_OR_REPLACE, options);
  }
  /** Appends the rows to an existing table. */
  append(options: ActionOptions = {}): Promise<ExecutionInfo> {
    return this.run(WriteOperationV2_Mode.APPEND, options);
  }
  /** Deletes the rows matching `condition`, then appends these rows (Delta's replaceWhere). */
  overwrite(condition: ColumnOrName, options: ActionOptions = {}): Promise<ExecutionInfo> {
    return this.run(WriteOperationV2_Mode.OVERWRITE, options, toColumn(condition).expr);
  }
  /** Replaces every partition that these rows touch (dynamic partition overwrite). */
  overwritePartitions(options: ActionOptions = {}): Promise<ExecutionInfo> {
    return this.run(WriteOperationV2_Mode.OVERWRITE_PARTITIONS, options);
  }
}
