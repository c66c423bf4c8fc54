import type { Row } from "./arrow/decode.js";
import { DataFrame, STORAGE_LEVELS, type StorageLevelName } from "./dataframe.js";
import * as A from "./plan/analysis.js";
import type { SparkSession } from "./session.js";
import { type StructType, toDDL } from "./types.js";

/** A catalog (`listCatalogs`). */
export interface CatalogMetadata {
  /** The catalog's name, e.g. `spark_catalog`. */
  name: string;
  /** Its description, or null. */
  description: string | null;
}
/** A database/namespace (`listDatabases`, `getDatabase`). */
export interface Database {
  /** The database (namespace) name. */
  name: string;
  /** The catalog it belongs to, or null. */
  catalog: string | null;
  /** Its comment, or null. */
  description: string | null;
  /** Where its managed tables are stored (a URI such as `file:/…/spark-warehouse`). */
  locationUri: string;
}
/** A table or view (`listTables`, `getTable`); `tableType` is MANAGED, EXTERNAL, VIEW or TEMPORARY. */
export interface Table {
  /** The table or view name (unqualified). */
  name: string;
  /** The catalog it belongs to; null for a temporary view. */
  catalog: string | null;
  /** The database path (e.g. `["default"]`); null for a temporary view. */
  namespace: string[] | null;
  /** Its comment, or null. */
  description: string | null;
  /** MANAGED, EXTERNAL, VIEW or TEMPORARY. */
  tableType: string;
  /** True for a temporary view of this session. */
  isTemporary: boolean;
}
/** A function (`listFunctions`, `getFunction`). */
export interface CatalogFunction {
  /** The function name. */
  name: string;
  /** The catalog it belongs to; null for built-in and temporary functions. */
  catalog: string | null;
  /** The database path; null for built-in and temporary functions. */
  namespace: string[] | null;
  /** Its description (Spark's usage text for built-ins), or null. */
  description: string | null;
  /** The implementing JVM class, e.g. `org.apache.spark.sql.catalyst.expressions.Upper`. */
  className: string;
  /** True for built-in and session (temporary) functions. */
  isTemporary: boolean;
}
/** A column of a table (`listColumns`); `dataType` is Spark's simple type string. */
export interface CatalogColumn {
  /** The column name. */
  name: string;
  /** Its comment, or null. */
  description: string | null;
  /** Spark's simple type string, e.g. `int`, `decimal(10,2)`. */
  dataType: string;
  /** True when the column may hold nulls. */
  nullable: boolean;
  /** True for a partition column. */
  isPartition: boolean;
  /** True for a bucketing column. */
  isBucket: boolean;
  /** True for a clustering column. */
  isCluster: boolean;
}

/** What `createTable` makes: source, location, schema, comment and source options. */
export interface CreateTableOptions {
  /** Data source (`parquet`, `csv`, `delta`, …); the session default (`spark.sql.sources.default`) otherwise. */
  source?: string;
  /** Where the data lives; given, the table is EXTERNAL, otherwise MANAGED. */
  path?: string;
  /** A StructType, or DDL text (`"id INT, name STRING"`). Optional when the source can infer it. */
  schema?: StructType | string;
  /** The table's comment. */
  description?: string;
  /** Options of the data source (e.g. `{ header: "true" }` for csv). */
  options?: Record<string, string>;
}

/**
 * The session's catalog (`spark.catalog`), as PySpark's `Catalog`: databases, tables, views,
 * functions, columns and the table cache. Every method sends one Spark Connect `Catalog` relation
 * and reads its result; names may be qualified (`db.table`, `catalog.db.table`). Server errors (an
 * unknown table, say) reject with SparkConnectError (`TABLE_OR_VIEW_NOT_FOUND`, …).
 */
export class Catalog {
  /** @internal made by `spark.catalog`. */
  constructor(private readonly session: SparkSession) {}

  private frame(request: A.CatalogRequest): DataFrame {
    return new DataFrame(this.session, A.catalog(request));
  }
  private async rows<T>(request: A.CatalogRequest): Promise<T[]> {
    return (await this.frame(request).collect()) as unknown as T[];
  }
  private async value(request: A.CatalogRequest): Promise<unknown> {
    const row: Row | undefined = (await this.frame(request).collect())[0];
    return row ? Object.values(row)[0] : undefined;
  }
  private async run(request: A.CatalogRequest): Promise<void> {
    await this.frame(request).collect();
  }

  // ── catalogs and databases ──────────────────────────────────────────────
  /** The session's current catalog (`spark_catalog` unless changed). */
  async currentCatalog(): Promise<string> {
    return String(await this.value({ case: "currentCatalog", value: {} }));
  }
  /** Makes `catalogName` the current catalog; throws SparkConnectError when no such catalog is configured. */
  setCurrentCatalog(catalogName: string): Promise<void> {
    return this.run({ case: "setCurrentCatalog", value: { catalogName } });
  }
  /** Catalogs, optionally filtered by a SQL LIKE-style `pattern` (`*` and `|`). */
  listCatalogs(pattern?: string): Promise<CatalogMetadata[]> {
    return this.rows({ case: "listCatalogs", value: pattern === undefined ? {} : { pattern } });
  }
  /** The session's current database (`default` unless changed). */
  async currentDatabase(): Promise<string> {
    return String(await this.value({ case: "currentDatabase", value: {} }));
  }
  /**
   * Makes `dbName` the current database; throws SparkConnectError (`SCHEMA_NOT_FOUND`) when it does not exist.
   */
  setCurrentDatabase(dbName: string): Promise<void> {
    return this.run({ case: "setCurrentDatabase", value: { dbName } });
  }
  /** The databases of the current catalog; `pattern` filters names (`*` wildcards, `|` alternatives). */
  listDatabases(pattern?: string): Promise<Database[]> {
    return this.rows({ case: "listDatabases", value: pattern === undefined ? {} : { pattern } });
  }
  /** Throws SparkConnectError (`SCHEMA_NOT_FOUND`) when the database does not exist. */
  async getDatabase(dbName: string): Promise<Database> {
    return (await this.rows<Database>({ case: "getDatabase", value: { dbName } }))[0] as Database;
  }
  /** True when the database exists. */
  async databaseExists(dbName: string): Promise<boolean> {
    return Boolean(await this.value({ case: "databaseExists", value: { dbName } }));
  }
  /** CREATE DATABASE (new in Spark 4.2's protocol). */
  createDatabase(
    dbName: string,
    options: { ifNotExists?: boolean; properties?: Record<string, string> } = {},
  ) {
    return this.run({
      case: "createDatabase",
      value: { dbName, ifNotExists: options.ifNotExists ?? false, properties: options.properties ?? {} },
    });
  }
  /** DROP DATABASE; `cascade` drops its tables too (new in Spark 4.2's protocol). */
  dropDatabase(dbName: string, options: { ifExists?: boolean; cascade?: boolean } = {}): Promise<void> {
    return this.run({
      case: "dropDatabase",
      value: { dbName, ifExists: options.ifExists ?? false, cascade: options.cascade ?? false },
    });
  }

  // ── tables, views, functions, columns ───────────────────────────────────
  /** Tables and views of `dbName` (the current database by default), temporary views included. */
  listTables(dbName?: string, pattern?: string): Promise<Table[]> {
    return this.rows({
      case: "listTables",
      value: { ...(dbName !== undefined ? { dbName } : {}), ...(pattern !== undefined ? { pattern } : {}) },
    });
  }
  /** Throws SparkConnectError (`TABLE_OR_VIEW_NOT_FOUND`) when there is no such table. */
  async getTable(tableName: string, dbName?: string): Promise<Table> {
    const rows = await this.rows<Table>({
      case: "getTable",
      value: { tableName, ...(dbName !== undefined ? { dbName } : {}) },
    });
    return rows[0] as Table;
  }
  /** True when the table or view exists (in `dbName`, or as named). */
  async tableExists(tableName: string, dbName?: string): Promise<boolean> {
    return Boolean(
      await this.value({
        case: "tableExists",
        value: { tableName, ...(dbName !== undefined ? { dbName } : {}) },
      }),
    );
  }
  /**
   * The functions visible in `dbName` (the current database by default), built-ins included; `pattern` filters names.
   */
  listFunctions(dbName?: string, pattern?: string): Promise<CatalogFunction[]> {
    return this.rows({
      case: "listFunctions",
      value: { ...(dbName !== undefined ? { dbName } : {}), ...(pattern !== undefined ? { pattern } : {}) },
    });
  }
  /** One function's metadata; throws SparkConnectError (`UNRESOLVED_ROUTINE`) when there is none. */
  async getFunction(functionName: string, dbName?: string): Promise<CatalogFunction> {
    const rows = await this.rows<CatalogFunction>({
      case: "getFunction",
      value: { functionName, ...(dbName !== undefined ? { dbName } : {}) },
    });
    return rows[0] as CatalogFunction;
  }
  /** True when the function exists (built-in, temporary or persistent). */
  async functionExists(functionName: string, dbName?: string): Promise<boolean> {
    return Boolean(
      await this.value({
        case: "functionExists",
        value: { functionName, ...(dbName !== undefined ? { dbName } : {}) },
      }),
    );
  }
  /**
   * The columns of a table or view; throws SparkConnectError (`TABLE_OR_VIEW_NOT_FOUND`) when there is none.
   */
  listColumns(tableName: string, dbName?: string): Promise<CatalogColumn[]> {
    return this.rows({
      case: "listColumns",
      value: { tableName, ...(dbName !== undefined ? { dbName } : {}) },
    });
  }
  /**
   * Creates a table from a data source (and `path`, for an EXTERNAL table) and returns it as a
   * DataFrame. Throws SparkConnectError (`TABLE_OR_VIEW_ALREADY_EXISTS`) when it exists.
   */
  async createTable(tableName: string, options: CreateTableOptions = {}): Promise<DataFrame> {
    // The protocol wants a DataType message; the server parses the DDL text into one.
    const schema =
      options.schema === undefined
        ? undefined
        : await this.session.parseDDL(
            typeof options.schema === "string" ? options.schema : toDDL(options.schema),
          );
    const relation = A.catalog({
      case: "createTable",
      value: {
        tableName,
        ...(options.path !== undefined ? { path: options.path } : {}),
        ...(options.source !== undefined ? { source: options.source } : {}),
        ...(options.description !== undefined ? { description: options.description } : {}),
        ...(schema ? { schema } : {}),
        options: options.options ?? {},
      },
    });
    await new DataFrame(this.session, relation).collect();
    return this.session.table(tableName);
  }
  /** Drops a table (new in Spark 4.2's protocol); `purge` skips the trash. */
  dropTable(tableName: string, options: { ifExists?: boolean; purge?: boolean } = {}): Promise<void> {
    return this.run({
      case: "dropTable",
      value: { tableName, ifExists: options.ifExists ?? false, purge: options.purge ?? false },
    });
  }
  /** Drops a temporary view; resolves true if it existed. */
  async dropTempView(viewName: string): Promise<boolean> {
    return Boolean(await this.value({ case: "dropTempView", value: { viewName } }));
  }
  /** Drops a global temporary view; resolves true if it existed. */
  async dropGlobalTempView(viewName: string): Promise<boolean> {
    return Boolean(await this.value({ case: "dropGlobalTempView", value: { viewName } }));
  }
  /** Registers the partitions found under a partitioned table's location. */
  recoverPartitions(tableName: string): Promise<void> {
    return this.run({ case: "recoverPartitions", value: { tableName } });
  }

  // ── cache ────────────────────────────────────────────────────────────────
  /** True when the table is in the cache (after `cacheTable`). */
  async isCached(tableName: string): Promise<boolean> {
    return Boolean(await this.value({ case: "isCached", value: { tableName } }));
  }
  /** Caches the table (lazily, on its next use) at `storageLevel` (default MEMORY_AND_DISK). */
  cacheTable(tableName: string, storageLevel?: StorageLevelName): Promise<void> {
    return this.run({
      case: "cacheTable",
      value: {
        tableName,
        ...(storageLevel ? { storageLevel: { ...STORAGE_LEVELS[storageLevel], replication: 1 } } : {}),
      },
    });
  }
  /** Removes the table from the cache. */
  uncacheTable(tableName: string): Promise<void> {
    return this.run({ case: "uncacheTable", value: { tableName } });
  }
  /** Removes every cached table and DataFrame of the session. */
  clearCache(): Promise<void> {
    return this.run({ case: "clearCache", value: {} });
  }
  /** Invalidates cached data and metadata of a table (after files changed outside Spark). */
  refreshTable(tableName: string): Promise<void> {
    return this.run({ case: "refreshTable", value: { tableName } });
  }
  /** Invalidates cached data of every table whose data lives under `path`. */
  refreshByPath(path: string): Promise<void> {
    return this.run({ case: "refreshByPath", value: { path } });
  }
}
