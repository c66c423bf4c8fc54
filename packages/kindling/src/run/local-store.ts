/**
 * {@link OutputStore} for a local (or mounted) folder. Publishing is a pair of renames (atomic
 * within one filesystem): the previous version is renamed aside, the staged one renamed in. Kept
 * old files of append and dynamic overwrite are hard links, so completing the new version copies
 * no data and the previous version stays whole until it is dropped.
 */
import {
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { KindlingError } from "../errors.js";
import { acquireLocalLock, type LockOwner, releaseLocalLock } from "./lock.js";
import {
  LOCK_SUFFIX,
  MARKER,
  OLD_SUFFIX,
  type OutputMarker,
  type OutputStore,
  type PublishMode,
  SCRATCH_SUFFIX,
  STAGING_DIR,
  SUCCESS,
} from "./output-store.js";
import { localOf } from "./publish.js";

/** Where a run writes an output before publishing it: `<parent>/.kindling-staging/<run id>/<name>`. */
export function stagingPathFor(finalPath: string, runId: string): string {
  return join(dirname(finalPath), STAGING_DIR, runId, basename(finalPath));
}

export class LocalOutputStore implements OutputStore {
  readonly stagingPath: string;
  readonly scratchPath: string;
  private readonly final: string;
  private readonly lockPath: string;

  constructor(
    readonly path: string,
    private readonly runId: string,
  ) {
    this.final = localOf(path);
    this.stagingPath = stagingPathFor(this.final, runId);
    this.scratchPath = `${this.stagingPath}${SCRATCH_SUFFIX}`;
    this.lockPath = `${this.final}${LOCK_SUFFIX}`;
  }

  async lock(owner: LockOwner): Promise<string[]> {
    mkdirSync(dirname(this.final), { recursive: true });
    const took = acquireLocalLock(this.lockPath, this.final, owner);
    return took ? [took] : [];
  }

  async unlock(): Promise<void> {
    releaseLocalLock(this.lockPath, this.runId);
  }

  async removeStaleStaging(): Promise<string[]> {
    const root = join(dirname(this.final), STAGING_DIR);
    if (!existsSync(root)) return [];
    const done: string[] = [];
    const name = basename(this.final);
    // Only this output's staging: a live run's staging of other outputs here is not ours to judge
    // (we hold this output's lock, so no live run writes this one).
    for (const run of readdirSync(root)) {
      if (run === this.runId) continue;
      // An empty run folder (a dead run whose outputs were all published) is litter; a live run
      // recreates its folder when Spark writes (mkdirs), so removing an empty one is harmless.
      removeIfEmpty(join(root, run));
      for (const stale of [join(root, run, name), join(root, run, `${name}${SCRATCH_SUFFIX}`)]) {
        if (!existsSync(stale)) continue;
        try {
          rmSync(stale, { recursive: true, force: true });
          done.push(`removed stale staging ${stale}`);
          removeIfEmpty(join(root, run));
        } catch {
          done.push(`left stale staging ${stale} (still being written; removed by a later run)`);
        }
      }
    }
    removeIfEmpty(root);
    return done;
  }

  async checkReplaceable(force: boolean): Promise<void> {
    if (force || !existsSync(this.final)) return;
    const st = statSync(this.final);
    if (st.isDirectory() && (readdirSync(this.final).length === 0 || existsSync(join(this.final, MARKER))))
      return;
    throw new KindlingError(
      `${this.final} ${st.isDirectory() ? "is a non-empty folder" : "is a file"} that Kindling did not write ` +
        `(it has no ${MARKER}), so a run will not replace it. Point the output elsewhere, or pass --force to replace it.`,
      "output",
    );
  }

  async probeWritable(): Promise<void> {
    const runDir = dirname(this.stagingPath);
    mkdirSync(runDir, { recursive: true });
    const probe = join(runDir, `.probe-${basename(this.final)}`);
    writeFileSync(probe, "kindling write probe\n");
    rmSync(probe, { force: true });
  }

  async prepare(mode: PublishMode, marker: OutputMarker): Promise<void> {
    mkdirSync(this.stagingPath, { recursive: true });
    if (mode !== "overwrite" && existsSync(this.final)) {
      const staged = new Set(readdirSync(this.stagingPath));
      for (const entry of readdirSync(this.final)) {
        if (entry === MARKER || entry === SUCCESS || entry.startsWith(".")) continue;
        // dynamic: keep the partitions this run did not write; append: keep everything.
        if (mode === "dynamic" && (staged.has(entry) || !entry.includes("="))) continue;
        linkTree(join(this.final, entry), join(this.stagingPath, entry));
      }
    }
    writeFileSync(join(this.stagingPath, SUCCESS), "");
    writeFileSync(join(this.stagingPath, MARKER), `${JSON.stringify(marker)}\n`);
  }

  async swapIn(runId: string): Promise<void> {
    if (existsSync(this.final)) renameSync(this.final, `${this.final}${OLD_SUFFIX}${runId}`);
    renameSync(this.stagingPath, this.final);
  }

  async rollBack(runId: string): Promise<string | undefined> {
    const aside = `${this.final}${OLD_SUFFIX}${runId}`;
    if (existsSync(aside)) {
      if (existsSync(this.final)) rmSync(this.final, { recursive: true, force: true });
      renameSync(aside, this.final);
      return `restored the previous ${this.final} (run ${runId} did not commit)`;
    }
    if ((await this.marker())?.runId === runId) {
      rmSync(this.final, { recursive: true, force: true });
      return `removed ${this.final}: written by run ${runId}, which did not commit, and there was none before`;
    }
    return undefined;
  }

  async rollForward(runId: string): Promise<string | undefined> {
    const aside = `${this.final}${OLD_SUFFIX}${runId}`;
    if (!existsSync(aside)) return undefined;
    rmSync(aside, { recursive: true, force: true });
    return `removed the version of ${this.final} that run ${runId} replaced`;
  }

  async discardStaging(): Promise<void> {
    rmSync(this.stagingPath, { recursive: true, force: true });
    rmSync(this.scratchPath, { recursive: true, force: true });
    removeIfEmpty(dirname(this.stagingPath));
    removeIfEmpty(dirname(dirname(this.stagingPath)));
  }

  async marker(): Promise<OutputMarker | undefined> {
    try {
      return JSON.parse(readFileSync(join(this.final, MARKER), "utf8")) as OutputMarker;
    } catch {
      return undefined;
    }
  }
}

/** Hard-links every file under `from` to the same place under `to` (existing names are kept). */
function linkTree(from: string, to: string): void {
  if (statSync(from).isDirectory()) {
    mkdirSync(to, { recursive: true });
    for (const e of readdirSync(from)) linkTree(join(from, e), join(to, e));
  } else if (!existsSync(to)) {
    linkSync(from, to);
  }
}

/** Removes a folder only if it exists and is empty (rmdir refuses otherwise). */
function removeIfEmpty(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    /* missing, or not empty */
  }
}
