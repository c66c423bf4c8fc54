/**
 * The run, not the output, is the unit of publishing. A run locks every output it writes, then
 * publishes them all under a journal and a commit record kept in the run root (`_kindling/`):
 *
 *  1. `<pipeline>.journal.json` names the run and its outputs, before anything moves;
 *  2. each output's staged version is swapped in, the previous one kept aside;
 *  3. `<pipeline>.commit.json` is written (one atomic write), naming every output and the run
 *     whose version it holds: from here on the new set is the committed one;
 *  4. the previous versions are dropped and the journal removed.
 *
 * A run that dies between 1 and 3 is rolled back by the next run (previous versions restored),
 * one that dies after 3 rolled forward. A reader that checks the record ({@link readCommittedSet})
 * sees either the previous set or the new one, never a mix: each output's `_kindling.json`
 * marker must name the run the commit record names for it.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { resolvePath } from "../compile/read.js";
import { KindlingError } from "../errors.js";
import type { PipelineSpec } from "../spec/index.js";
import { outputWriteError } from "./fs-errors.js";
import { currentOwner } from "./lock.js";
import type { OutputMarker, OutputStore, PublishMode } from "./output-store.js";
import { isS3Path } from "./publish-s3.js";
import { type RecordStore, recordStoreFor } from "./records.js";
import { OutputStores } from "./stores.js";

/** What `<pipeline>.commit.json` holds. */
export interface CommitRecord {
  pipeline: string;
  runId: string;
  committedAt: string;
  /** Output path → the run whose version of it this commit holds. */
  outputs: Record<string, string>;
}

/** What `<pipeline>.journal.json` holds while a run publishes. */
interface Journal {
  pipeline: string;
  runId: string;
  outputs: string[];
}

const journalName = (pipeline: string) => `${pipeline}.journal.json`;
const commitName = (pipeline: string) => `${pipeline}.commit.json`;

/**
 * A test-only pause (`KINDLING_TEST_PAUSE_AT=staged|swap:<n>|commit`), so a test can SIGKILL a run
 * at exactly that moment: announced on stderr, then the process blocks until it is killed.
 */
export function testPause(moment: string): void {
  if (process.env.KINDLING_TEST_PAUSE_AT !== moment) return;
  process.stderr.write(`kindling-test: paused at ${moment}\n`);
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
}

/** Everything a run needs to publish its outputs as one set. */
export interface RunOutputsOptions {
  pipeline: string;
  runId: string;
  startedAt: string;
  /** The run root: where `_kindling/` with the journal and the commit record lives. */
  root: string;
  /** Makes the store of one output path (local or S3). */
  storeFor: (path: string) => OutputStore;
  /** Replace non-empty folders Kindling did not write. */
  force?: boolean;
  /**
   * Outputs that are tables (Delta): locked and staged here like the others, but committed by
   * their own format (delta/commit.ts), so never marker-checked, swapped or named in the record.
   */
  tables?: ReadonlySet<string>;
  /** How errors name an output (`sink orders_clean`); default `output <path>`. */
  what?: (path: string) => string;
  s3?: () => S3Client;
}

/** A run's outputs, locked: stage, publish as one set, or discard. */
export class RunOutputs {
  /** What recovery did when the run started (rolled back/forward sets, stale locks and staging). */
  readonly recovered: string[] = [];
  private readonly stores = new Map<string, OutputStore>();
  private readonly locked: OutputStore[] = [];
  private readonly records: RecordStore;
  /** The output whose store holds the run's scratch (the first path the run opened). */
  private anchor: string | undefined;

  private constructor(private readonly options: RunOutputsOptions) {
    this.records = recordStoreFor(options.root, options.s3);
  }

  /**
   * Locks every output (in path order), recovers what a dead run left (a journal without its
   * commit is rolled back, with it rolled forward; stale staging of these outputs removed), and
   * checks each output may be replaced.
   * @throws KindlingError `locked` (another run writes one of them; nothing was touched),
   *   `output` (a folder Kindling did not write, without force).
   */
  static async open(paths: string[], options: RunOutputsOptions): Promise<RunOutputs> {
    const run = new RunOutputs(options);
    run.anchor = paths[0];
    try {
      for (const p of [...new Set(paths)].sort()) await run.step(p, () => run.lockStore(p));
      await run.recover();
      for (const [p, s] of run.stores)
        run.recovered.push(...(await run.step(p, () => s.removeStaleStaging())));
      for (const p of paths)
        if (!options.tables?.has(p)) await run.step(p, (s) => s.checkReplaceable(options.force ?? false));
    } catch (e) {
      await run.release();
      throw e;
    }
    return run;
  }

  private async lockStore(path: string): Promise<OutputStore> {
    const existing = this.stores.get(path);
    if (existing) return existing;
    const store = this.options.storeFor(path);
    this.recovered.push(...(await store.lock(currentOwner(this.options.runId, this.options.startedAt))));
    this.stores.set(path, store);
    this.locked.push(store);
    return store;
  }

  private async recover(): Promise<void> {
    const { pipeline } = this.options;
    const text = await this.records.read(journalName(pipeline));
    if (text === undefined) return;
    const journal = JSON.parse(text) as Journal;
    const commit = await this.readCommit();
    const forward = commit?.runId === journal.runId;
    for (const p of journal.outputs) {
      const store = await this.lockStore(p);
      const did = forward ? await store.rollForward(journal.runId) : await store.rollBack(journal.runId);
      if (did) this.recovered.push(did);
    }
    await this.records.remove(journalName(pipeline));
    this.recovered.push(
      forward
        ? `run ${journal.runId} had committed: finished its publish`
        : `run ${journal.runId} died while publishing: rolled its outputs back to the committed set`,
    );
  }

  private async readCommit(): Promise<CommitRecord | undefined> {
    const text = await this.records.read(commitName(this.options.pipeline));
    return text === undefined ? undefined : (JSON.parse(text) as CommitRecord);
  }

  /** Where Spark writes `path` for this run. */
  stagingPath(path: string): string {
    return this.stores.get(path)!.stagingPath;
  }

  /**
   * Where this run keeps scratch data (its sources' parsed rows, run/source-scan.ts): a folder
   * beside the staging of its first output, locked with it and removed by {@link discard} (or, after
   * a crash, as stale staging by the next run holding that output's lock). Undefined without outputs.
   */
  scratchPath(): string | undefined {
    return this.anchor === undefined ? undefined : this.stores.get(this.anchor)?.scratchPath;
  }

  /** Creates each staging location with a probe write, before Spark runs. */
  async probe(path: string): Promise<void> {
    await this.step(path, (s) => s.probeWritable());
  }

  /**
   * Publishes every staged output as one set (see the module comment). On a failure before the
   * commit record is written, every output already swapped is rolled back at once.
   * @throws the first failure (naming the output, its path and why), after rolling back.
   */
  async publish(modes: Map<string, PublishMode>): Promise<CommitRecord> {
    const { pipeline, runId } = this.options;
    const marker: OutputMarker = { pipeline, runId, writtenAt: new Date().toISOString() };
    const paths = [...modes.keys()];
    for (const p of paths) await this.step(p, (s) => s.prepare(modes.get(p)!, marker));
    await this.records.write(journalName(pipeline), JSON.stringify({ pipeline, runId, outputs: paths }));
    const swapped: OutputStore[] = [];
    try {
      for (const p of paths) {
        await this.step(p, (s) => s.swapIn(runId));
        swapped.push(this.stores.get(p)!);
        testPause(`swap:${swapped.length}`);
      }
    } catch (e) {
      for (const s of swapped.reverse()) await s.rollBack(runId).catch(() => undefined);
      await this.records.remove(journalName(pipeline)).catch(() => undefined);
      throw e;
    }
    const previous = await this.readCommit();
    const commit: CommitRecord = {
      pipeline,
      runId,
      committedAt: new Date().toISOString(),
      // Outputs of the pipeline this run did not write keep the version the last commit named.
      outputs: { ...previous?.outputs, ...Object.fromEntries(paths.map((p) => [p, runId])) },
    };
    await this.records.write(commitName(pipeline), `${JSON.stringify(commit, null, 2)}\n`);
    testPause("commit");
    for (const p of paths) await this.stores.get(p)!.rollForward(runId);
    await this.records.remove(journalName(pipeline));
    return commit;
  }

  /** Runs `f` on the store of `path`; a write failure names the output, its path and why. */
  private async step<T>(path: string, f: (s: OutputStore) => Promise<T>): Promise<T> {
    try {
      return await f(this.stores.get(path)!);
    } catch (e) {
      throw outputWriteError(this.options.what?.(path) ?? `output ${path}`, path, e);
    }
  }

  /** Removes this run's staging of every output. */
  async discard(): Promise<void> {
    for (const s of this.stores.values()) await s.discardStaging().catch(() => undefined);
  }

  /** Releases every lock this run holds. */
  async release(): Promise<void> {
    for (const s of this.locked) await s.unlock().catch(() => undefined);
    this.locked.length = 0;
  }
}

/**
 * What a reader should trust: the last commit record of `pipeline` under `root`, after checking
 * that every output it names holds the version it names (its `_kindling.json` marker).
 * `storeFor`/`s3` default to Kindling's own stores (S3 endpoint and credentials from the environment).
 * @throws KindlingError `output` when there is no commit record, or the outputs in place are a
 *   mix (a run is publishing, or died publishing and the next run has not recovered it yet).
 */
export async function readCommittedSet(
  root: string,
  pipeline: string,
  storeFor?: (path: string) => OutputStore,
  s3?: () => S3Client,
): Promise<CommitRecord> {
  const own = storeFor && (s3 || !isS3Path(root)) ? undefined : new OutputStores();
  try {
    const storeOf = storeFor ?? ((p: string) => own!.storeFor(p, "reader"));
    const text = await recordStoreFor(root, s3 ?? (() => own!.s3Client())).read(commitName(pipeline));
    if (text === undefined)
      throw new KindlingError(
        `${root}: no commit record for pipeline ${pipeline} (no run has committed)`,
        "output",
      );
    const commit = JSON.parse(text) as CommitRecord;
    const mixed: string[] = [];
    for (const [path, version] of Object.entries(commit.outputs)) {
      const found = (await storeOf(path).marker())?.runId;
      if (found !== version)
        mixed.push(`${path} holds run ${found ?? "none"}, the commit names run ${version}`);
    }
    if (mixed.length)
      throw new KindlingError(
        `${root}: the outputs of ${pipeline} are not the committed set (${mixed.join("; ")}): a run is publishing, or died while publishing; the next run repairs it.`,
        "output",
      );
    return commit;
  } finally {
    own?.close();
  }
}

/**
 * The run root, where `_kindling/` keeps the journal and commit record: the spec's `target_path`
 * when it declares one, else the deepest folder holding every output (all local, or all in one
 * bucket; else the first output's parent).
 */
export function runRoot(spec: PipelineSpec, paths: string[], baseDir?: string): string {
  if (spec.target_path) return resolvePath(spec.target_path, baseDir);
  const parents = paths.map((p) => p.replace(/\/+$/, "").replace(/\/[^/]*$/, ""));
  const split = parents.map((p) => p.split("/"));
  const common: string[] = [];
  for (let i = 0; split.every((s) => i < s.length && s[i] === split[0]![i]); i++) common.push(split[0]![i]!);
  // Outputs in different schemes or buckets share no folder: the first output's parent holds the records.
  const shared = parents[0]!.startsWith("s3") ? 3 : 2;
  return common.length >= shared ? common.join("/") : parents[0]!;
}
