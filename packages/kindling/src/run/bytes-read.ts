/**
 * Raw bytes read per source, from Spark's own stage metrics: the input bytes of every stage of the
 * run's jobs named for reading that source (job-names.ts): `<source>: scan` (source-scan.ts), and
 * the reads compiling or checking it did through Spark (`<source>: header`, `: schema check`,
 * `: encoding check`). Reads of a source's cache are named for the step or output that reads them,
 * never so, so a source read once shows its files' size exactly.
 */
import { jobNameOf } from "../job-names.js";

/** The job names (after `<source>: `) of work that reads a source's files. */
const READS_FILES = ["scan", "header", "schema check", "encoding check"];

interface Job {
  jobId: number;
  stageIds: number[];
  jobTags?: string[];
}

interface Stage {
  stageId: number;
  attemptId: number;
  inputBytes?: number;
}

async function get<T>(base: string, path: string): Promise<T> {
  const r = await fetch(`${base}/api/v1${path}`);
  if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
  return (await r.json()) as T;
}

/**
 * Bytes read per source name of `sources` by the run tagged `runTag` (every attempt of every stage
 * counts: a retried stage read its input again), from the Spark UI at `uiBase`. A source with no
 * tagged job gets 0. Returns undefined when the UI cannot be reached.
 */
export async function bytesReadPerSource(
  uiBase: string,
  runTag: string,
  sources: readonly string[],
): Promise<Record<string, number> | undefined> {
  try {
    const app = (await get<{ id: string }[]>(uiBase, "/applications"))[0]?.id;
    if (!app) return undefined;
    const jobs = await get<Job[]>(uiBase, `/applications/${app}/jobs`);
    const stagesOf = new Map<string, Set<number>>(sources.map((s) => [s, new Set()]));
    for (const job of jobs) {
      const tags = job.jobTags ?? [];
      if (!tags.some((t) => t.includes(runTag))) continue;
      const name = jobNameOf(tags);
      const source = name && sources.find((s) => READS_FILES.some((w) => name === `${s}: ${w}`));
      if (source) for (const id of job.stageIds) stagesOf.get(source)!.add(id);
    }
    const stages = await get<Stage[]>(uiBase, `/applications/${app}/stages?withSummaries=false`);
    const out: Record<string, number> = {};
    for (const [source, ids] of stagesOf)
      out[source] = stages
        .filter((s) => ids.has(s.stageId))
        .reduce((n, s) => n + Number(s.inputBytes ?? 0), 0);
    return out;
  } catch {
    return undefined;
  }
}
