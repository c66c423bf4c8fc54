/**
 * Safe publishing on a local (or mounted) filesystem. Spark writes every output into a staging
 * folder beside its destination; only when the whole run has succeeded are the staging folders
 * moved into place with renames (atomic within one filesystem). A failed or interrupted run never
 * touches the previous output, and never leaves a partial output under the final name.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

const STAGING_DIR = ".kindling-staging";
const OLD_SUFFIX = ".kindling-old-";

/** Where a run writes an output before publishing it. */
export function stagingPathFor(finalPath: string, runId: string): string {
  return join(dirname(finalPath), STAGING_DIR, runId, basename(finalPath));
}

function localOf(p: string): string {
  return p.startsWith("file://") ? p.slice("file://".length) : p;
}

/**
 * Repairs what an interrupted publish may have left next to `finalPath`: restores a previous
 * output moved aside but not replaced, removes stale staging folders. Returns what it did.
 */
export function recoverOutput(finalPath: string): string[] {
  const done: string[] = [];
  const final = localOf(finalPath);
  const parent = dirname(final);
  if (!existsSync(parent)) return done;
  const olds = readdirSync(parent).filter((n) => n.startsWith(`${basename(final)}${OLD_SUFFIX}`));
  for (const old of olds) {
    if (!existsSync(final)) {
      renameSync(join(parent, old), final);
      done.push(`restored ${final} from an interrupted publish`);
    } else {
      rmSync(join(parent, old), { recursive: true, force: true });
      done.push(`removed leftover ${old}`);
    }
  }
  const staging = join(parent, STAGING_DIR);
  if (existsSync(staging)) {
    // Staging folders of earlier runs never affect published outputs. A killed run's Spark job may
    // still be writing into its folder, so removal is best effort; a later run finishes it.
    for (const run of readdirSync(staging)) {
      try {
        rmSync(join(staging, run), { recursive: true, force: true });
        done.push(`removed stale staging ${join(staging, run)}`);
      } catch {
        done.push(`left stale staging ${join(staging, run)} (still being written; removed by a later run)`);
      }
    }
  }
  return done;
}

/** Replaces `dest` with `src` by renames; the old content is removed only after the swap. */
function swapInto(src: string, dest: string, tag: string): void {
  mkdirSync(dirname(dest), { recursive: true });
  if (existsSync(dest)) {
    const aside = `${dest}${OLD_SUFFIX}${tag}`;
    renameSync(dest, aside);
    renameSync(src, dest);
    rmSync(aside, { recursive: true, force: true });
  } else {
    renameSync(src, dest);
  }
}

export type PublishMode = "overwrite" | "append" | "dynamic";

/**
 * Moves a finished staging output to its final place:
 *  - overwrite: the whole folder is swapped;
 *  - dynamic: only the partition folders this run wrote are swapped, the others stay untouched;
 *  - append: the new files are moved in beside the existing ones.
 */
export function publishOutput(
  stagingPath: string,
  finalPath: string,
  mode: PublishMode,
  runId: string,
): void {
  const staging = localOf(stagingPath);
  const final = localOf(finalPath);
  if (mode === "overwrite" || !existsSync(final)) {
    swapInto(staging, final, runId);
  } else if (mode === "dynamic") {
    for (const entry of readdirSync(staging)) {
      const from = join(staging, entry);
      if (statSync(from).isDirectory() && entry.includes("=")) swapInto(from, join(final, entry), runId);
    }
    writeFileSync(join(final, "_SUCCESS"), "");
  } else {
    moveFiles(staging, final);
    writeFileSync(join(final, "_SUCCESS"), "");
  }
  rmSync(staging, { recursive: true, force: true });
}

/** Removes a run's (now empty) staging folders after every output was published. */
export function cleanupStaging(stagingPaths: string[]): void {
  for (const p of stagingPaths) {
    const runDir = dirname(localOf(p));
    if (basename(dirname(runDir)) !== STAGING_DIR) continue;
    rmSync(runDir, { recursive: true, force: true });
    try {
      if (readdirSync(dirname(runDir)).length === 0) rmSync(dirname(runDir), { recursive: true });
    } catch {
      /* already gone */
    }
  }
}

function moveFiles(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from)) {
    if (entry === "_SUCCESS" || entry.startsWith(".")) continue;
    const src = join(from, entry);
    const dest = join(to, entry);
    if (statSync(src).isDirectory()) moveFiles(src, dest);
    else renameSync(src, dest);
  }
}

/** Number of data files and total bytes under an output folder. */
export function outputStats(path: string): { files: number; bytes: number } {
  const root = localOf(path);
  let files = 0;
  let bytes = 0;
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (!e.startsWith(".") && !e.startsWith("_")) {
        files++;
        bytes += st.size;
      }
    }
  };
  if (!existsSync(root)) return { files, bytes };
  const st = statSync(root);
  if (st.isFile()) return { files: 1, bytes: st.size };
  walk(root);
  return { files, bytes };
}
