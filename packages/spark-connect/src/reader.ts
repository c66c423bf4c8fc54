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
  constructor(
    private readonly session: SparkSession,
    private readonly fmt?: string,
    private readonly schemaDDL?: string,
    private readonly opts: Readonly<Record<string, string>> = {},
  ) {}

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
  option(key: string, value: string | number | boolean): DataFrameReader {
    return new DataFrameReader(this.session, this.fmt, this.schemaDDL, {
      ...this.opts,
      [key]: String(value),
    });
  }
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
  load(...paths: (string | string[])[]): DataFrame {
    return new DataFrame(
      this.session,
      R.dataSource(this.fmt, paths.flat(), this.schemaDDL, { ...this.opts }),
    );
  }
  csv(...paths: (string | string[])[]): DataFrame {
    return this.format("csv").load(...paths);
  }
  json(...paths: (string | string[])[]): DataFrame {
    return this.format("json").load(...paths);
  }
  parquet(...paths: (string | string[])[]): DataFrame {
    return this.format("parquet").load(...paths);
  }
  orc(...paths: (string | string[])[]): DataFrame {
    return this.format("orc").load(...paths);
  }
  text(...paths: (string | string[])[]): DataFrame {
    return this.format("text").load(...paths);
  }
  table(name: string): DataFrame {
    return new DataFrame(this.session, R.table(name, { ...this.opts }));
  }
}
