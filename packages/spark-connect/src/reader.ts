import { DataFrame } from "./dataframe.js";
import * as R from "./plan/relations.js";
import type { SparkSession } from "./session.js";
import { type StructType, toDDL } from "./types.js";

/** How malformed records are handled by the CSV/JSON readers. */
export type ParseMode = "PERMISSIVE" | "DROPMALFORMED" | "FAILFAST";

/**
 * Reads files into DataFrames: `spark.read.schema("a INT, b STRING").option("header", true).csv(path)`.
 * Immutable: every call returns a new reader. Paths may be several, and may contain globs.
 */
export class DataFrameReader {
  /** @internal made by `spark.read`. */
  constructor(
    private readonly session: SparkSession,
    private readonly fmt?: string,
    private readonly schemaDDL?: string,
    private readonly opts: Readonly<Record<string, string>> = {},
  ) {}

  /**
   * The data source: `csv`, `json`, `parquet`, `orc`, `text`, `delta`, or any source on the server's class path.
   */
  format(source: string): DataFrameReader {
    return new DataFrameReader(this.session, source, this.schemaDDL, this.opts);
  }
  /** The schema, as a DDL string (`"id BIGINT, name STRING"`) or a StructType. Skips inference. */
  schema(schema: string | StructType): DataFrameReader {
    return new DataFrameReader(
      this.session,
      this.fmt,
      typeof schema === "string" ? schema : toDDL(schema),
      this.opts,
    );
  }
  /**
   * One option of the data source (e.g. `header`, `sep`, `multiLine`; see Spark's data source option pages). Values are sent as strings.
   */
  option(key: string, value: string | number | boolean): DataFrameReader {
    return new DataFrameReader(this.session, this.fmt, this.schemaDDL, {
      ...this.opts,
      [key]: String(value),
    });
  }
  /** Several options at once (same as calling {@link DataFrameReader.option} for each). */
  options(options: Record<string, string | number | boolean>): DataFrameReader {
    let r: DataFrameReader = this;
    for (const [k, v] of Object.entries(options)) r = r.option(k, v);
    return r;
  }
  /**
   * Malformed-record handling: PERMISSIVE keeps the row with nulls and, if the schema has a
   * string column named by `columnNameOfCorruptRecord` (default `_corrupt_record`), the raw text;
   * DROPMALFORMED drops it; FAILFAST fails the query.
   */
  mode(mode: ParseMode, columnNameOfCorruptRecord?: string): DataFrameReader {
    const r = this.option("mode", mode);
    return columnNameOfCorruptRecord ? r.option("columnNameOfCorruptRecord", columnNameOfCorruptRecord) : r;
  }
  /**
   * The files at `paths` (globs allowed) in the chosen format, as a lazy DataFrame (protocol `Read.DataSource`); a missing path fails at the first action with SparkConnectError (`PATH_NOT_FOUND`).
   */
  load(...paths: (string | string[])[]): DataFrame {
    return new DataFrame(
      this.session,
      R.dataSource(this.fmt, paths.flat(), this.schemaDDL, { ...this.opts }),
    );
  }
  /** `format("csv").load(...paths)`: CSV files (see the `header`, `sep`, `quote`, `mode` options). */
  csv(...paths: (string | string[])[]): DataFrame {
    return this.format("csv").load(...paths);
  }
  /**
   * `format("json").load(...paths)`: JSON Lines files (one object per line; `multiLine` for whole-file JSON).
   */
  json(...paths: (string | string[])[]): DataFrame {
    return this.format("json").load(...paths);
  }
  /** `format("parquet").load(...paths)`: Parquet files; the schema comes from the files. */
  parquet(...paths: (string | string[])[]): DataFrame {
    return this.format("parquet").load(...paths);
  }
  /** `format("orc").load(...paths)`: ORC files. */
  orc(...paths: (string | string[])[]): DataFrame {
    return this.format("orc").load(...paths);
  }
  /** `format("text").load(...paths)`: one row per line, in a STRING column `value`. */
  text(...paths: (string | string[])[]): DataFrame {
    return this.format("text").load(...paths);
  }
  /** A catalog table as a DataFrame, with this reader's options (protocol `Read.NamedTable`). */
  table(name: string): DataFrame {
    return new DataFrame(this.session, R.table(name, { ...this.opts }));
  }
}
