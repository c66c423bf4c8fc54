/**
 * Stage timings, bytes and executor events of a run, read from the Spark UI's REST API
 * (`/api/v1`). Jobs are matched to the run by the operation tag Kindling puts on every action.
 */
import { jobNameOf } from "../job-names.js";

export interface StageStats {
  stageId: number;
  attemptId: number;
  /**
   * What the stage worked for: the name of the job that ran it (`orders_clean: write`,
   * `orders_raw: encoding check`; see job-names.ts), else Spark's own stage name.
   */
  name: string;
  /** Spark's stage name (for a Connect execution `Spark Connect - <request>`, cut at 128 characters). */
  sparkName: string;
  /** The job that ran this attempt (undefined when the UI lists no job of the run for it). */
  jobId: number | undefined;
  status: string;
  submitted: string | undefined;
  completed: string | undefined;
  durationMs: number;
  numTasks: number;
  failedTasks: number;
  inputBytes: number;
  inputRecords: number;
  outputBytes: number;
  outputRecords: number;
  shuffleReadBytes: number;
  shuffleWriteBytes: number;
  executorRunTimeMs: number;
}

export interface ExecutorEvent {
  id: string;
  active: boolean;
  removeReason: string | undefined;
  /** When the executor was removed (ISO time), if it was. */
  removedAt: string | undefined;
  failedTasks: number;
}

export interface SparkRunStats {
  applicationId: string;
  jobs: number;
  stages: StageStats[];
  executors: ExecutorEvent[];
}

/** A job as the UI's REST API lists it (the fields read here). */
interface UiJob {
  jobId: number;
  stageIds: number[];
  jobTags?: string[];
  submissionTime?: string;
}

/**
 * The job that ran a stage attempt. A stage belongs to every job that needs its output (a later
 * job lists it and skips it), so this is the last of those jobs submitted no later than the
 * attempt (a stage resubmitted after a lost executor belongs to the job that needed it again);
 * without times, the first of them.
 */
function jobOfStage(jobs: UiJob[], stageId: number, submitted: string | undefined): UiJob | undefined {
  const having = jobs.filter((j) => j.stageIds.includes(stageId)).sort((a, b) => a.jobId - b.jobId);
  const at = ms(submitted);
  const before = having.filter((j) => ms(j.submissionTime) <= at);
  return before.at(-1) ?? having[0];
}

async function get<T>(base: string, path: string): Promise<T> {
  const r = await fetch(`${base}/api/v1${path}`);
  if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
  return (await r.json()) as T;
}

const ms = (s: string | undefined) => (s ? Date.parse(s.replace("GMT", "Z")) : Number.NaN);

/**
 * Reads the run's jobs, stages and executors (those not removed before `since`, epoch ms: one
 * Connect server serves many runs, and an executor lost before this run is not this run's).
 * Returns undefined if the UI cannot be reached.
 */
export async function sparkRunStats(
  uiBase: string,
  runTag: string,
  since = 0,
): Promise<SparkRunStats | undefined> {
  try {
    const apps = await get<{ id: string }[]>(uiBase, "/applications");
    const app = apps[0]?.id;
    if (!app) return undefined;
    const jobs = await get<UiJob[]>(uiBase, `/applications/${app}/jobs`);
    const mine = jobs.filter((j) => (j.jobTags ?? []).some((t) => t.includes(runTag)));
    const stageIds = new Set(mine.flatMap((j) => j.stageIds));
    const stages = await get<Record<string, unknown>[]>(
      uiBase,
      `/applications/${app}/stages?withSummaries=false`,
    );
    const executors = await get<Record<string, unknown>[]>(uiBase, `/applications/${app}/allexecutors`);
    return {
      applicationId: app,
      jobs: mine.length,
      stages: stages
        .filter((s) => stageIds.has(s.stageId as number))
        .map((s) => {
          const submitted = s.submissionTime as string | undefined;
          const completed = s.completionTime as string | undefined;
          const d = ms(completed) - ms(submitted);
          const job = jobOfStage(mine, s.stageId as number, submitted);
          const sparkName = String(s.name ?? "");
          return {
            stageId: s.stageId as number,
            attemptId: s.attemptId as number,
            name: (job && jobNameOf(job.jobTags ?? [])) ?? sparkName,
            sparkName,
            jobId: job?.jobId,
            status: String(s.status ?? ""),
            submitted,
            completed,
            durationMs: Number.isFinite(d) ? d : 0,
            numTasks: Number(s.numTasks ?? 0),
            failedTasks: Number(s.numFailedTasks ?? 0),
            inputBytes: Number(s.inputBytes ?? 0),
            inputRecords: Number(s.inputRecords ?? 0),
            outputBytes: Number(s.outputBytes ?? 0),
            outputRecords: Number(s.outputRecords ?? 0),
            shuffleReadBytes: Number(s.shuffleReadBytes ?? 0),
            shuffleWriteBytes: Number(s.shuffleWriteBytes ?? 0),
            executorRunTimeMs: Number(s.executorRunTime ?? 0),
          };
        })
        .sort((a, b) => a.stageId - b.stageId || a.attemptId - b.attemptId),
      executors: executors
        .filter((e) => e.id !== "driver" && !(ms(e.removeTime as string | undefined) < since))
        .map((e) => ({
          id: String(e.id),
          active: Boolean(e.isActive),
          removeReason: (e.removeReason as string | undefined) ?? undefined,
          removedAt: (e.removeTime as string | undefined) ?? undefined,
          failedTasks: Number(e.failedTasks ?? 0),
        })),
    };
  } catch {
    return undefined;
  }
}
