import type { Row } from "./arrow/decode.js";
import { DataFrame, STORAGE_LEVELS, type StorageLevelName } from "./dataframe.js";
import * as A from "./plan/analysis.js";
import type { SparkSession } from "./session.js";
import { type StructType, toDDL } from "./types.js";

/** A catalog (`listCatalogs`). */
export interface CatalogMetadata {
  name: string;
  description: string | null;
}
/** A database/namespace (`listDatabases`, `getDatabase`). */
export interface Database {
  name: string;
  catalog: string | null;
  description: string | null;
  locationUri: string;
}
/** A table or view (`listTables`, `getTable`); `tableType` is MANAGED, EXTERNAL, VIEW or TEMPORARY. */
export interface Table {
  name: string;
  catalog: string | null;
  namespace: string[] | null;
  description: string | null;
  tableType: string;
  isTemporary: boolean;
}
/** A function (`listFunctions`, `getFunction`). */
export interface CatalogFunction {
  name: string;
  catalog: string | null;
  namespace: string[] | null;
  description: string | null;
  className: string;
  isTemporary: boolean;
}
/** A column of a table (`listColumns`); `dataType` is Spark's simple type string. */
export interface CatalogColumn {
  name: string;
  description: string | null;
  dataType: string;
  nullable: boolean;
  isPartition: boolean;
  isBucket: boolean;
  isCluster: boolean;
}

export interface CreateTableOptions {
  /** Data source (`parquet`, `csv`, `delta`, …); the session default (`spark.sql.sources.default`) otherwise. */
  source?: string;
  /** Where the data lives; given, the table is EXTERNAL, otherwise MANAGED. */
  path?: string;
  /** A StructType, or DDL text (`"id INT, name STRING"`). Optional when the source can infer it. */
  schema?: StructType | string;
  description?: string;
  options?: Record<string, string>;
}

/**
 * The session's catalog (`spark.catalog`), as PySpark's `Catalog`: databases, tables, views,
 * functions, columns and the table cache. Every method sends one Spark Connect `Catalog` relation
 * and reads its result; names may be qualified (`db.table`, `catalog.db.table`). Server errors (an
 * unknown table, say) reject with SparkConnectError (`TABLE_OR_VIEW_NOT_FOUND`, …).
 */
export class Catalog {
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
  async currentCatalog(): Promise<string> {
    return String(await this.value({ case: "currentCatalog", value: {} }));
  }
  setCurrentCatalog(catalogName: string): Promise<void> {
    return this.run({ case: "setCurrentCatalog", value: { catalogName } });
  }
  /** Catalogs, optionally filtered by a SQL LIKE-style `pattern` (`*` and `|`). */
  listCatalogs(pattern?: string): Promise<CatalogMetadata[]> {
    return this.rows({ case: "listCatalogs", value: pattern === undefined ? {} : { pattern } });
  }
  async currentDatabase(): Promise<string> {
    return String(await this.value({ case: "currentDatabase", value: {} }));
  }
  setCurrentDatabase(dbName: string): Promise<void> {
    return this.run({ case: "setCurrentDatabase", value: { dbName } });
  }
  listDatabases(pattern?: string): Promise<Database[]> {
    return this.rows({ case: "listDatabases", value: pattern === undefined ? {} : { pattern } });
  }
  /** Throws SparkConnectError (`SCHEMA_NOT_FOUND`) when the database does not exist. */
  async getDatabase(dbName: string): Promise<Database> {
    return (await this.rows<Database>({ case: "getDatabase", value: { dbName } }))[0] as Database;
  }
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
  async tableExists(tableName: string, dbName?: string): Promise<boolean> {
    return Boolean(
      await this.value({
        case: "tableExists",
        value: { tableName, ...(dbName !== undefined ? { dbName } : {}) },
      }),
    );
  }
  listFunctions(dbName?: string, pattern?: string): Promise<CatalogFunction[]> {
    return this.rows({
      case: "listFunctions",
      value: { ...(dbName !== undefined ? { dbName } : {}), ...(pattern !== undefined ? { pattern } : {}) },
    });
  }
  async getFunction(functionName: string, dbName?: string): Promise<CatalogFunction> {
    const rows = await this.rows<CatalogFunction>({
      case: "getFunction",
      value: { functionName, ...(dbName !== undefined ? { dbName } : {}) },
    });
    return rows[0] as CatalogFunction;
  }
  async functionExists(functionName: string, dbName?: string): Promise<boolean> {
    return Boolean(
      await this.value({
        case: "functionExists",
        value: { functionName, ...(dbName !== undefined ? { dbName } : {}) },
      }),
    );
  }
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
  async isCached(tableName: string): Promise<boolean> {
    return Boolean(await this.value({ case: "isCached", value: { tableName } }));
  }
  cacheTable(tableName: string, storageLevel?: StorageLevelName): Promise<void> {
    return this.run({
      case: "cacheTable",
      value: {
        tableName,
        ...(storageLevel ? { storageLevel: { ...STORAGE_LEVELS[storageLevel], replication: 1 } } : {}),
      },
    });
  }
  uncacheTable(tableName: string): Promise<void> {
    return this.run({ case: "uncacheTable", value: { tableName } });
  }
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
