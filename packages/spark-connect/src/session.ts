import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { Table, tableToIPC, Utf8, vectorFromArray } from "apache-arrow";
import { Catalog } from "./catalog.js";
import { DEFAULT_RETRY, type RetryPolicy, SparkConnectClient } from "./client/client.js";
import { absorb, type ExecutionInfo, emptyInfo, progressOf } from "./client/results.js";
import { parseConnectUrl } from "./client/url.js";
import { toExpr } from "./column.js";
import { type ActionOptions, DataFrame } from "./dataframe.js";
import { SparkConnectError } from "./errors.js";
import { PlanSchema } from "./gen/spark/connect/base_pb.js";
import type { CommandSchema } from "./gen/spark/connect/commands_pb.js";
import type { Expression } from "./gen/spark/connect/expressions_pb.js";
import type { DataType as ProtoDataType } from "./gen/spark/connect/types_pb.js";
import { type LocalServer, type LocalServerOptions, startLocalServer } from "./local/server.js";
import * as E from "./plan/expressions.js";
import * as R from "./plan/relations.js";
import { DataFrameReader } from "./reader.js";
import { DataStreamReader, StreamingQueryManager } from "./streaming.js";
import { type StructType, toDDL } from "./types.js";
import { UDFRegistration } from "./udf.js";

/** Runtime configuration of a session (`spark.conf`). */
export class RuntimeConfig {
  /** @internal made by {@link SparkSession.conf}. */
  constructor(private readonly client: SparkConnectClient) {}
  /** The value of a key; `defaultValue` when unset (throws when unset and no default is given). */
  async get(key: string, defaultValue?: string): Promise<string | undefined> {
    const pairs =
      defaultValue === undefined
        ? await this.client.config({ case: "get", value: { keys: [key] } })
        : await this.client.config({
            case: "getWithDefault",
            value: { pairs: [{ key, value: defaultValue }] },
          });
    return pairs[0]?.value;
  }
  /** The value of a key, or undefined when it is unset. */
  async getOption(key: string): Promise<string | undefined> {
    return (await this.client.config({ case: "getOption", value: { keys: [key] } }))[0]?.value;
  }
  /**
   * Sets a runtime SQL conf for this session (Config `Set`); throws SparkConnectError for a static conf (`CANNOT_MODIFY_CONFIG`).
   */
  async set(key: string, value: string | number | boolean): Promise<void> {
    await this.client.config({ case: "set", value: { pairs: [{ key, value: String(value) }] } });
  }
  /** Resets a key to its default for this session (Config `Unset`). */
  async unset(key: string): Promise<void> {
    await this.client.config({ case: "unset", value: { keys: [key] } });
  }
  /** Every explicitly set key and value, only those starting with `prefix` when given (Config `GetAll`). */
  async getAll(prefix?: string): Promise<Record<string, string>> {
    const pairs = await this.client.config({ case: "getAll", value: prefix ? { prefix } : {} });
    return Object.fromEntries(pairs.map((p) => [p.key, p.value ?? ""]));
  }
}

/**
 * A session with a Spark Connect server. Create one with `SparkSession.builder().remote(url)
 * .getOrCreate()`; `remote("local[*]")` (the default) provisions Spark and starts a local server
 * owned by this session.
 */
export class SparkSession {
  /** @internal The transport (gRPC calls, retries, re-attach); not part of the public API. */
  readonly client: SparkConnectClient;
  /** Runtime configuration: `await spark.conf.set("spark.sql.shuffle.partitions", 8)`. */
  readonly conf: RuntimeConfig;
  /** The local server this session started, if any (stopped by `stop()`). */
  readonly localServer: LocalServer | undefined;
  /** Tags added to every operation of this session (see interruptTag). */
  readonly tags = new Set<string>();
  private stopped = false;

  /** @internal sessions come from {@link SparkSessionBuilder.getOrCreate}. */
  constructor(client: SparkConnectClient, localServer?: LocalServer) {
    this.client = client;
    this.conf = new RuntimeConfig(client);
    this.localServer = localServer;
  }

  /** A new builder: `SparkSession.builder().remote(url).getOrCreate()`. */
  static builder(): SparkSessionBuilder {
    return new SparkSessionBuilder();
  }

  /** The session's UUID (sent with every request; a URL's `session_id` joins an existing one). */
  get sessionId(): string {
    return this.client.sessionId;
  }

  /** A reader for files and tables: `spark.read.option("header", true).csv(path)`. */
  get read(): DataFrameReader {
    return new DataFrameReader(this);
  }

  /**
   * Runs a SQL statement. A query (SELECT, WITH, VALUES, FROM, TABLE) stays lazy: the DataFrame
   * comes back without a round trip and the query runs, and is checked, at its first action.
   * Commands (CREATE, INSERT, SET, …) run now, and their errors throw here. Parameters: named
   * (`:name` with an object) or positional (`?` with an array). Throws SparkConnectError.
   */
  async sql(query: string, args?: Record<string, unknown> | unknown[]): Promise<DataFrame> {
    const named: Record<string, Expression> = {};
    const positional: Expression[] = [];
    if (Array.isArray(args)) positional.push(...args.map(toExpr));
    else if (args) for (const [k, v] of Object.entries(args)) named[k] = toExpr(v);
    const relation = R.sql(query, named, positional);
    if (isQuery(query)) return new DataFrame(this, relation);
    const info = await this.executeCommand({ case: "sqlCommand", value: { input: relation } });
    return new DataFrame(this, info.sqlRelation ?? relation);
  }

  /**
   * A DataFrame of bigint `id` values in [start, end) by step. `range(n)` is [0, n). Throws
   * SparkConnectError INVALID_ARGUMENT for a bound or step that is not an integer.
   */
  range(
    start: number | bigint,
    end?: number | bigint,
    step: number | bigint = 1,
    numPartitions?: number,
  ): DataFrame {
    const [s, e] =
      end === undefined
        ? [0n, rangeBound("end", start)]
        : [rangeBound("start", start), rangeBound("end", end)];
    return new DataFrame(this, R.range(s, e, rangeBound("step", step), numPartitions));
  }

  /** Streaming sources: `spark.readStream.format("json").schema(ddl).load(dir)`. */
  get readStream(): DataStreamReader {
    return new DataStreamReader(this);
  }
  /** The session's streaming queries: `active()`, `get(id)`, `awaitAnyTermination()`, `resetTerminated()`. */
  get streams(): StreamingQueryManager {
    return new StreamingQueryManager(this);
  }

  /** The catalog: databases, tables, functions, columns, cache (`spark.catalog.listTables()`). */
  get catalog(): Catalog {
    return new Catalog(this);
  }

  /** Registers Java UDFs by class name: `spark.udf.registerJavaFunction("f", "com.acme.F", "int")`. */
  get udf(): UDFRegistration {
    return new UDFRegistration(this);
  }

  /**
   * Uploads local files to this session on the server (the `AddArtifacts` RPC), as PySpark's
   * `spark.addArtifacts`: a `.jar` goes to the session's class path (`jars/<file name>`: its
   * classes become usable by {@link UDFRegistration.registerJavaFunction}); with `{ file: true }`
   * any file is stored as a session file (`files/<file name>`). Throws SparkConnectError
   * INVALID_ARGUMENT for a non-jar without `file`, Node's ENOENT for a missing file, and the
   * server's error when it refuses an artifact.
   */
  async addArtifacts(paths: string | string[], options: { file?: boolean } = {}): Promise<void> {
    const artifacts = (typeof paths === "string" ? [paths] : paths).map((path) => {
      const name = basename(path);
      if (!options.file && !name.endsWith(".jar"))
        throw new SparkConnectError(
          "INVALID_ARGUMENT",
          `addArtifacts: ${JSON.stringify(path.slice(-200))} is not a .jar; pass { file: true } to upload it as a session file.`,
        );
      return { name: `${options.file ? "files" : "jars"}/${name}`, data: readFileSync(path) };
    });
    await this.client.addArtifacts(artifacts);
  }

  /** A catalog table or view as a DataFrame (lazy: a missing table fails at the first action). */
  table(name: string): DataFrame {
    return new DataFrame(this, R.table(name));
  }

  /**
   * A DataFrame from JS rows (objects keyed by column name, or arrays in schema order) and a
   * schema (DDL string or StructType). Values follow the same mapping as results; bigint,
   * decimal strings, Dates, Uint8Array (base64 on the wire), arrays, Maps and objects are kept
   * exactly. Rows that do not fit the schema fail the query (FAILFAST), never turn into nulls.
   */
  createDataFrame(rows: (Record<string, unknown> | unknown[])[], schema: string | StructType): DataFrame {
    const ddl = typeof schema === "string" ? schema : toDDL(schema);
    const names = typeof schema === "string" ? undefined : schema.fields.map((f) => f.name);
    const json = rows.map((r) => toJsonLine(r, names));
    // Plain (not dictionary-encoded) utf8: Spark reads dictionary vectors here as nulls.
    const ipc = tableToIPC(new Table({ json: vectorFromArray(json, new Utf8()) }), "stream");
    const local = R.localRelation(ipc, "json STRING");
    const parsed = R.project(local, [
      E.alias(
        E.call("from_json", [E.attribute("json"), toExpr(ddl), toExpr(new Map([["mode", "FAILFAST"]]))]),
        ["r"],
      ),
    ]);
    return new DataFrame(this, R.project(parsed, [E.star("r")]));
  }

  /** The Spark version of the server. */
  async version(): Promise<string> {
    const r = await this.client.analyze({ case: "sparkVersion", value: {} });
    return r.case === "sparkVersion" ? r.value.version : "unknown";
  }

  /**
   * Parses a DDL type string on the server (AnalyzePlan `DDLParse`; checks a schema without
   * reading data) and returns the protocol DataType; throws SparkConnectError (`PARSE_SYNTAX_ERROR`) for bad DDL.
   */
  async parseDDL(ddl: string): Promise<ProtoDataType | undefined> {
    const r = await this.client.analyze({ case: "ddlParse", value: { ddlString: ddl } });
    return r.case === "ddlParse" ? r.value.parsed : undefined;
  }

  /** Interrupts every running operation of this session; returns their ids. */
  interruptAll(): Promise<string[]> {
    return this.client.interrupt({ all: true });
  }
  /** Interrupts this session's running operations that carry `tag`; returns their ids. */
  interruptTag(tag: string): Promise<string[]> {
    return this.client.interrupt({ tag });
  }
  /** Interrupts one operation by id (see `ExecutionInfo.operationId`); returns the ids interrupted. */
  interruptOperation(operationId: string): Promise<string[]> {
    return this.client.interrupt({ operationId });
  }
  /**
   * Adds a tag to every later operation of this session (until `removeTag`), for {@link SparkSession.interruptTag}.
   */
  addTag(tag: string): void {
    this.tags.add(tag);
  }
  /** Stops adding `tag` to later operations. */
  removeTag(tag: string): void {
    this.tags.delete(tag);
  }

  /** The tags of one execution: the session's (addTag) and the action's own, each once. */
  executionTags(extra: readonly string[] = []): string[] {
    return [...new Set([...this.tags, ...extra])];
  }

  /**
   * Runs a protocol command (commands.proto `Command`: write, view, SQL command…) and returns the
   * execution info; the escape hatch for commands the API does not wrap. Throws SparkConnectError.
   */
  async executeCommand(
    command: MessageInitShape<typeof CommandSchema>["commandType"],
    options: ActionOptions = {},
  ): Promise<ExecutionInfo> {
    const plan = create(PlanSchema, { opType: { case: "command", value: { commandType: command } } });
    const info = emptyInfo();
    for await (const r of this.client.execute(plan, {
      tags: this.executionTags(options.tags),
      ...(options.signal ? { signal: options.signal } : {}),
    })) {
      const p = progressOf(r);
      if (p) options.onProgress?.(p);
      else absorb(r, info);
    }
    return info;
  }

  /** Ends the session; stops the local server if this session started one. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.client.releaseSession();
    await this.localServer?.stop();
  }
}

/** Builds a session: `SparkSession.builder().remote("sc://host:15002").getOrCreate()`. */
export class SparkSessionBuilder {
  private url = process.env.SPARK_REMOTE ?? "local[*]";
  private readonly conf: Record<string, string> = {};
  private serverOptions: LocalServerOptions = {};
  private retry: RetryPolicy = DEFAULT_RETRY;

  /** `local[*]` / `local[N]` (a server started for this session), or an `sc://` URL. Default: SPARK_REMOTE or local[*]. */
  remote(url: string): this {
    this.url = url;
    return this;
  }
  /** Spark configuration: passed to a local server at start, or set on the session for a remote one. */
  config(key: string, value: string | number | boolean): this {
    this.conf[key] = String(value);
    return this;
  }
  /** The application name (`spark.app.name`), shown in the Spark UI of a local server. */
  appName(name: string): this {
    return this.config("spark.app.name", name);
  }
  /** Options for a local server (driver memory, log folder, progress output, extra jars…). */
  localServerOptions(options: LocalServerOptions): this {
    this.serverOptions = options;
    return this;
  }

  /** How long to keep re-attaching after a dropped connection before failing with UNAVAILABLE. */
  retryPolicy(policy: Partial<RetryPolicy>): this {
    this.retry = { ...this.retry, ...policy };
    return this;
  }

  /** Connects (starting a local server first for `local[...]`). Throws SparkConnectError. */
  async getOrCreate(): Promise<SparkSession> {
    if (/^local(\[[^\]]+\])?$/.test(this.url)) {
      const server = await startLocalServer({
        ...this.serverOptions,
        master: this.url,
        conf: { ...(this.serverOptions.conf ?? {}), ...this.conf },
      });
      try {
        return new SparkSession(new SparkConnectClient(parseConnectUrl(server.url), this.retry), server);
      } catch (e) {
        await server.stop();
        throw e;
      }
    }
    if (!this.url.startsWith("sc://")) {
      throw new SparkConnectError(
        "INVALID_ARGUMENT",
        `remote("${this.url}"): use local, local[N], local[*] or an sc://host:port URL.`,
      );
    }
    const session = new SparkSession(new SparkConnectClient(parseConnectUrl(this.url), this.retry));
    // Static configs can only be given at server start; set the rest on the session.
    for (const [k, v] of Object.entries(this.conf)) await session.conf.set(k, v);
    return session;
  }
}

/** True for statements that only read (run lazily); comments before the first keyword are skipped. */
export function isQuery(sql: string): boolean {
  const text = sql.replace(/^(\s+|--[^\n]*(\n|$)|\/\*[\s\S]*?\*\/)*/, "").replace(/^\(+\s*/, "");
  return /^(SELECT|WITH|VALUES|FROM|TABLE)\b/i.test(text);
}

/** JSON text for one row; bigint stays exact, Dates are ISO instants, bytes base64, Maps objects. */
function toJsonLine(row: Record<string, unknown> | unknown[], names: string[] | undefined): string {
  const obj = Array.isArray(row) ? arrayRowToObject(row, names) : row;
  return JSON.stringify(obj, (_k, v) => {
    if (typeof v === "bigint") return { __bigint__: v.toString() };
    if (v instanceof Uint8Array) return Buffer.from(v).toString("base64");
    if (v instanceof Map) return Object.fromEntries(v);
    return v;
  }).replace(/\{"__bigint__":"(-?\d+)"\}/g, "$1");
}

function arrayRowToObject(row: unknown[], names: string[] | undefined): Record<string, unknown> {
  if (!names) {
    throw new SparkConnectError(
      "INVALID_ARGUMENT",
      "Rows given as arrays need a StructType schema (to know the column names).",
    );
  }
  return Object.fromEntries(names.map((n, i) => [n, row[i]]));
}

/** A range() argument as a bigint; a fraction, NaN or non-number is the caller's mistake. */
function rangeBound(name: string, v: number | bigint): bigint {
  if (typeof v === "bigint") return v;
  if (typeof v === "number" && Number.isSafeInteger(v)) return BigInt(v);
  throw new SparkConnectError(
    "INVALID_ARGUMENT",
    `range(): ${name} must be an integer, got ${String(v).slice(0, 40)}.`,
  );
}
