/**
 * Structured Streaming over Spark Connect, as PySpark's Connect client: `spark.readStream`
 * (DataStreamReader), `df.writeStream` (DataStreamWriter), StreamingQuery and `spark.streams`
 * (StreamingQueryManager). Queries run on the server; these objects send the protocol's
 * `WriteStreamOperationStart`, `StreamingQueryCommand` and `StreamingQueryManagerCommand`.
 * Not supported: `foreach`/`foreachBatch` (they need user code running on the server) and
 * streaming query listeners.
 */
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { DataFrame } from "./dataframe.js";
import { SparkConnectError } from "./errors.js";
import { type ExecutePlanResponse, PlanSchema } from "./gen/spark/connect/base_pb.js";
import type {
  CommandSchema,
  StreamingQueryCommandResult,
  StreamingQueryCommandSchema,
  StreamingQueryInstanceId,
  StreamingQueryManagerCommandResult,
  StreamingQueryManagerCommandSchema,
  WriteStreamOperationStartSchema,
} from "./gen/spark/connect/commands_pb.js";
import * as A from "./plan/analysis.js";
import type { SparkSession } from "./session.js";
import { type StructType, toDDL } from "./types.js";

type Command = NonNullable<MessageInitShape<typeof CommandSchema>["commandType"]>;

/** Runs one command and returns the first response `pick` accepts. */
async function commandResult<T>(
  session: SparkSession,
  command: Command,
  pick: (r: ExecutePlanResponse["responseType"]) => T | undefined,
): Promise<T> {
  const plan = create(PlanSchema, { opType: { case: "command", value: { commandType: command } } });
  for await (const r of session.client.execute(plan, { tags: session.executionTags() })) {
    const value = pick(r.responseType);
    if (value !== undefined) return value;
  }
  throw new SparkConnectError("EXECUTION", `The server sent no result for ${command.case}.`);
}

/** Reads a stream: `spark.readStream.format("json").schema("id INT").load(dir)`. Immutable builder. */
export class DataStreamReader {
  /** @internal made by `spark.readStream`. */
  constructor(
    private readonly session: SparkSession,
    private readonly state: { format?: string; schema?: string; options: Record<string, string> } = {
      options: {},
    },
  ) {}

  /** The streaming source: `csv`, `json`, `parquet`, `orc`, `text`, `rate`, `delta`…. */
  format(source: string): DataStreamReader {
    return new DataStreamReader(this.session, { ...this.state, format: source });
  }
  /** The schema (DDL text or StructType); file sources need one unless schema inference is enabled. */
  schema(schema: string | StructType): DataStreamReader {
    return new DataStreamReader(this.session, {
      ...this.state,
      schema: typeof schema === "string" ? schema : toDDL(schema),
    });
  }
  /** One option of the source (e.g. `maxFilesPerTrigger`), sent as a string. */
  option(key: string, value: string | number | boolean): DataStreamReader {
    return new DataStreamReader(this.session, {
      ...this.state,
      options: { ...this.state.options, [key]: String(value) },
    });
  }
  /** Several options at once. */
  options(options: Record<string, string | number | boolean>): DataStreamReader {
    const more = Object.fromEntries(Object.entries(options).map(([k, v]) => [k, String(v)]));
    return new DataStreamReader(this.session, { ...this.state, options: { ...this.state.options, ...more } });
  }
  /** A streaming DataFrame over the source (new files in `path` become new rows). */
  load(path?: string): DataFrame {
    const { format, schema, options } = this.state;
    return new DataFrame(
      this.session,
      A.streamingRead({
        ...(format ? { format } : {}),
        paths: path === undefined ? [] : [path],
        ...(schema ? { schema } : {}),
        options,
      }),
    );
  }
  /** A streaming DataFrame over the CSV files that arrive in the folder `path` (needs a schema). */
  csv(path: string): DataFrame {
    return this.format("csv").load(path);
  }
  /** A streaming DataFrame over the JSON Lines files that arrive in `path` (needs a schema). */
  json(path: string): DataFrame {
    return this.format("json").load(path);
  }
  /** A streaming DataFrame over the Parquet files that arrive in `path`. */
  parquet(path: string): DataFrame {
    return this.format("parquet").load(path);
  }
  /** A streaming DataFrame over the ORC files that arrive in `path`. */
  orc(path: string): DataFrame {
    return this.format("orc").load(path);
  }
  /** A streaming DataFrame over the lines of text files that arrive in `path` (column `value`). */
  text(path: string): DataFrame {
    return this.format("text").load(path);
  }
  /** Streams a table's new data (tables whose format supports streaming reads, e.g. Delta). */
  table(name: string): DataFrame {
    return new DataFrame(this.session, A.streamingRead({ table: name }));
  }
}

/** When a streaming query runs its micro-batches. */
export type Trigger =
  | {
      /** A micro-batch every interval, e.g. `"10 seconds"`. */
      processingTime: string;
    }
  | {
      /** Processes everything available now (in several batches), then stops. */
      availableNow: true;
    }
  | {
      /** One micro-batch of everything available now, then stops (prefer `availableNow`). */
      once: true;
    }
  | {
      /** Continuous processing (experimental in Spark) with this checkpoint interval, e.g. `"1 second"`. */
      continuous: string;
    };

interface WriterState {
  format?: string;
  outputMode?: string;
  options: Record<string, string>;
  partitionBy: string[];
  queryName?: string;
  trigger?: Trigger;
}

/**
 * Starts a streaming query: `df.writeStream.format("parquet").option("checkpointLocation", dir)
 * .trigger({ availableNow: true }).start(outDir)`. Immutable builder; `start`/`toTable` send
 * `WriteStreamOperationStart` and resolve with the running query.
 */
export class DataStreamWriter {
  /** @internal made by `df.writeStream`. */
  constructor(
    private readonly df: DataFrame,
    private readonly state: WriterState = { options: {}, partitionBy: [] },
  ) {}
  private with(patch: Partial<WriterState>): DataStreamWriter {
    return new DataStreamWriter(this.df, { ...this.state, ...patch });
  }
  /** The sink: `parquet`, `json`, `csv`, `console`, `memory`, `delta`…. */
  format(sink: string): DataStreamWriter {
    return this.with({ format: sink });
  }
  /** `append` (default), `complete` or `update`. */
  outputMode(mode: "append" | "complete" | "update"): DataStreamWriter {
    return this.with({ outputMode: mode });
  }
  /** One sink option (`checkpointLocation` is needed by file sinks), sent as a string. */
  option(key: string, value: string | number | boolean): DataStreamWriter {
    return this.with({ options: { ...this.state.options, [key]: String(value) } });
  }
  /** Several options at once. */
  options(options: Record<string, string | number | boolean>): DataStreamWriter {
    const more = Object.fromEntries(Object.entries(options).map(([k, v]) => [k, String(v)]));
    return this.with({ options: { ...this.state.options, ...more } });
  }
  /** Writes one folder per value of the columns, as the batch writer does. */
  partitionBy(...cols: string[]): DataStreamWriter {
    return this.with({ partitionBy: cols });
  }
  /** The query's name (also the table name of the `memory` sink). */
  queryName(name: string): DataStreamWriter {
    return this.with({ queryName: name });
  }
  /** When micro-batches run (see {@link Trigger}); default: as soon as the previous one ends. */
  trigger(trigger: Trigger): DataStreamWriter {
    return this.with({ trigger });
  }

  private triggerMessage(): Pick<MessageInitShape<typeof WriteStreamOperationStartSchema>, "trigger"> {
    const t = this.state.trigger;
    if (!t) return {};
    if ("processingTime" in t)
      return { trigger: { case: "processingTimeInterval", value: t.processingTime } };
    if ("availableNow" in t) return { trigger: { case: "availableNow", value: true } };
    if ("once" in t) return { trigger: { case: "once", value: true } };
    return { trigger: { case: "continuousCheckpointInterval", value: t.continuous } };
  }

  private async run(
    sink: { case: "path"; value: string } | { case: "tableName"; value: string } | undefined,
  ) {
    const s = this.state;
    const result = await commandResult(
      this.df.session,
      {
        case: "writeStreamOperationStart",
        value: {
          input: this.df.relation,
          format: s.format ?? "",
          options: s.options,
          partitioningColumnNames: s.partitionBy,
          outputMode: s.outputMode ?? "",
          queryName: s.queryName ?? "",
          ...this.triggerMessage(),
          ...(sink ? { sinkDestination: sink } : {}),
        },
      },
      (r) => (r.case === "writeStreamOperationStartResult" ? r.value : undefined),
    );
    if (!result.queryId)
      throw new SparkConnectError("EXECUTION", "The server started a query but sent no id.");
    return new StreamingQuery(this.df.session, result.queryId, result.name);
  }

  /** Starts the query; `path` is the output folder of file sinks. */
  start(path?: string): Promise<StreamingQuery> {
    return this.run(path === undefined ? undefined : { case: "path", value: path });
  }
  /** Starts the query writing into a catalog table. */
  toTable(tableName: string): Promise<StreamingQuery> {
    return this.run({ case: "tableName", value: tableName });
  }
}

/** A streaming query's status (PySpark's `query.status`). */
export interface StreamingQueryStatus {
  /** What the query is doing, in Spark's words (e.g. `Waiting for data to arrive`). */
  message: string;
  /** True when new data waits at a source. */
  isDataAvailable: boolean;
  /** True while a micro-batch runs. */
  isTriggerActive: boolean;
  /** True until the query stops or fails. */
  isActive: boolean;
}

/**
 * A running (or finished) streaming query on the server. `id` survives restarts from the same
 * checkpoint; `runId` is new for each start. Progress objects are Spark's StreamingQueryProgress
 * JSON, parsed (`batchId`, `durationMs`, `sources[].numInputRows`, `sink`, …).
 */
export class StreamingQuery {
  /** @internal made by `start()`/`toTable()` and `spark.streams`. */
  constructor(
    private readonly session: SparkSession,
    private readonly instance: StreamingQueryInstanceId,
    /** The query's name, or "" when it has none. */
    readonly name: string,
  ) {}
  /** The query's id: stable across restarts from the same checkpoint. */
  get id(): string {
    return this.instance.id;
  }
  /** The id of this run: new at each start. */
  get runId(): string {
    return this.instance.runId;
  }

  private command(
    command: MessageInitShape<typeof StreamingQueryCommandSchema>["command"],
  ): Promise<StreamingQueryCommandResult> {
    return commandResult(
      this.session,
      { case: "streamingQueryCommand", value: { queryId: this.instance, command } },
      (r) => (r.case === "streamingQueryCommandResult" ? r.value : undefined),
    );
  }

  /** The query's current status (StreamingQueryCommand `status`). */
  async status(): Promise<StreamingQueryStatus> {
    const r = await this.command({ case: "status", value: true });
    const s = r.resultType.case === "status" ? r.resultType.value : undefined;
    return {
      message: s?.statusMessage ?? "",
      isDataAvailable: s?.isDataAvailable ?? false,
      isTriggerActive: s?.isTriggerActive ?? false,
      isActive: s?.isActive ?? false,
    };
  }
  /** True until the query stops or fails (asks the server). */
  async isActive(): Promise<boolean> {
    return (await this.status()).isActive;
  }
  /** The progress of recent micro-batches, oldest first (parsed StreamingQueryProgress JSON). */
  async recentProgress(): Promise<Record<string, unknown>[]> {
    const r = await this.command({ case: "recentProgress", value: true });
    const json = r.resultType.case === "recentProgress" ? r.resultType.value.recentProgressJson : [];
    return json.map((j) => JSON.parse(j) as Record<string, unknown>);
  }
  /** The last micro-batch's progress, or undefined before the first one. */
  async lastProgress(): Promise<Record<string, unknown> | undefined> {
    const r = await this.command({ case: "lastProgress", value: true });
    const json = r.resultType.case === "recentProgress" ? r.resultType.value.recentProgressJson : [];
    return json.length ? (JSON.parse(json[json.length - 1] as string) as Record<string, unknown>) : undefined;
  }
  /**
   * Waits until the query ends (stopped, failed, or an availableNow/once trigger is done). With a
   * timeout, resolves false if it is still running then. A failed query rejects with
   * SparkConnectError carrying the query's error.
   */
  async awaitTermination(timeoutMs?: number): Promise<boolean> {
    const r = await this.command({
      case: "awaitTermination",
      value: timeoutMs === undefined ? {} : { timeoutMs: BigInt(timeoutMs) },
    });
    return r.resultType.case === "awaitTermination" ? r.resultType.value.terminated : false;
  }
  /** Blocks until every input available now has been processed and committed to the sink. */
  async processAllAvailable(): Promise<void> {
    await this.command({ case: "processAllAvailable", value: true });
  }
  /** Stops the query (its current micro-batch is cancelled); resolves when the server has stopped it. */
  async stop(): Promise<void> {
    await this.command({ case: "stop", value: true });
  }
  /** The error that ended the query, or undefined if it has none. */
  async exception(): Promise<
    | {
        /** Spark's message of the error. */
        message: string;
        /** Spark's error class, when it has one. */
        errorClass?: string;
      }
    | undefined
  > {
    const r = await this.command({ case: "exception", value: true });
    const e = r.resultType.case === "exception" ? r.resultType.value : undefined;
    if (!e?.exceptionMessage) return undefined;
    return { message: e.exceptionMessage, ...(e.errorClass ? { errorClass: e.errorClass } : {}) };
  }
}

/** The session's streaming queries (`spark.streams`), as PySpark's StreamingQueryManager. */
export class StreamingQueryManager {
  /** @internal made by `spark.streams`. */
  constructor(private readonly session: SparkSession) {}

  private command(
    command: MessageInitShape<typeof StreamingQueryManagerCommandSchema>["command"],
  ): Promise<StreamingQueryManagerCommandResult> {
    return commandResult(this.session, { case: "streamingQueryManagerCommand", value: { command } }, (r) =>
      r.case === "streamingQueryManagerCommandResult" ? r.value : undefined,
    );
  }
  private query(q: { id?: StreamingQueryInstanceId; name?: string }): StreamingQuery {
    return new StreamingQuery(this.session, q.id as StreamingQueryInstanceId, q.name ?? "");
  }

  /** The queries running now in this session. */
  async active(): Promise<StreamingQuery[]> {
    const r = await this.command({ case: "active", value: true });
    return r.resultType.case === "active" ? r.resultType.value.activeQueries.map((q) => this.query(q)) : [];
  }
  /** The query with this id (active in this session), or undefined. */
  async get(id: string): Promise<StreamingQuery | undefined> {
    const r = await this.command({ case: "getQuery", value: id });
    return r.resultType.case === "query" && r.resultType.value.id
      ? this.query(r.resultType.value)
      : undefined;
  }
  /** Waits until any query ends (since the last `resetTerminated`); false on timeout. */
  async awaitAnyTermination(timeoutMs?: number): Promise<boolean> {
    const r = await this.command({
      case: "awaitAnyTermination",
      value: timeoutMs === undefined ? {} : { timeoutMs: BigInt(timeoutMs) },
    });
    return r.resultType.case === "awaitAnyTermination" ? r.resultType.value.terminated : false;
  }
  /** Forgets terminated queries, so `awaitAnyTermination` waits for a new one. */
  async resetTerminated(): Promise<void> {
    await this.command({ case: "resetTerminated", value: true });
  }
}
