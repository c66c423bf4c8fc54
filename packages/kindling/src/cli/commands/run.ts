import { basename, dirname, join, resolve } from "node:path";
import { cacheRoot } from "@kindling/spark-connect";
import type { Command } from "commander";
import { clusterConnectUrl } from "../../cluster/index.js";
import { DEFAULT_CLUSTER_NAME } from "../../cluster/options.js";
import { liveState } from "../../cluster/state.js";
import { checkSourcePaths } from "../../compile/input-paths.js";
import { resolvePath } from "../../compile/read.js";
import { KindlingError } from "../../errors.js";
import { fanOut, LiveRun } from "../../metrics/live-run.js";
import { PUSHGATEWAY_ENV } from "../../metrics/names.js";
import { pushAfterRun, pushgatewayUrl } from "../../metrics/push.js";
import { type ReportFormat, writeReports } from "../../report/index.js";
import { writeFailureReason } from "../../run/fs-errors.js";
import { isS3Path, outputS3Client, parseS3 } from "../../run/publish-s3.js";
import { type RunEvent, type RunResult, runPipeline } from "../../run/runner.js";
import { type PipelineAttempt, runRerunningAfterServerLoss } from "../../run/server-loss.js";
import { type LoadedPipeline, loadPipeline } from "../../spec/index.js";
import { uploadDirectory } from "../../storage/upload.js";
import { progressPrinter } from "../progress.js";
import { type EngineOptions, engineOptionsHelp, inputS3Client, openSession } from "../session.js";
import { collectSet, printSummary } from "./shared.js";

interface RunCommandOptions extends EngineOptions {
  set: Record<string, string>;
  json?: boolean;
  sparkUi?: string;
  pushgateway?: string;
  fullRefresh?: boolean;
  force?: boolean;
  waitForServer?: string;
}

/** The default of `--wait-for-server` for a server this run did not start, seconds. */
const DEFAULT_WAIT_FOR_SERVER_S = 300;

/**
 * Runs a pipeline end to end and writes its report. Exit code 0 when the run succeeded, 1 when it
 * failed (data or pipeline), 2 for a spec or usage error.
 */
export async function runCommand(file: string, opts: RunCommandOptions): Promise<RunResult> {
  const loaded = await loadPipeline(file, { set: opts.set });
  await checkSourcePaths(loaded, { s3: inputS3Client(opts) }); // before Spark starts
  let liveApp: string | undefined;
  const once: PipelineAttempt = async (_n, watch) => {
    const attempt = await runOnce(loaded, opts, watch);
    liveApp = attempt.liveApp ?? liveApp;
    return attempt.result;
  };
  const waitSeconds = waitForServerSeconds(opts);
  const result = await runRerunningAfterServerLoss(once, {
    url:
      opts.remote ??
      (opts.cluster
        ? await clusterConnectUrl(typeof opts.cluster === "string" ? opts.cluster : undefined)
        : "(started for this run)"),
    waitSeconds,
    // Only when asked: by default a server that never answered (a mistyped --remote) fails at once.
    waitAtStart: opts.waitForServer !== undefined,
    say: (l) => process.stderr.write(`${l}\n`),
  });
  const reportDir = loaded.spec.report
    ? resolvePath(loaded.spec.report.path)
    : resolve(dirname(file), "..", "out", "reports");
  const { written, failure } = await saveReportsOrSay(
    result,
    reportDir,
    loaded.spec.report?.formats ?? ["json", "md", "html"],
  );
  if (opts.json)
    process.stdout.write(
      `${JSON.stringify({ ...result, reports: written }, (_k, v) => (typeof v === "bigint" ? Number(v) : v), 2)}\n`,
    );
  else printSummary(result, written);
  // The live pushes' application id when the Spark UI did not answer at the end of a busy run:
  // the final figures keep the label the dashboard's application filter matches.
  await pushAfterRun(
    opts.pushgateway,
    result,
    (l) => process.stderr.write(`${l}\n`),
    !result.spark && liveApp && liveApp !== "unknown" ? { applicationId: liveApp } : {},
  );
  // The run's own failure comes first; a report that could not be written is a note after it.
  const note = failure ? ` (the report could not be written to ${reportDir} either: ${failure})` : "";
  if (result.status !== "succeeded")
    throw new KindlingError(`run failed: ${result.error}${note}`, result.errorCode ?? "failed");
  if (failure)
    throw new KindlingError(`the run succeeded, but its report could not be written: ${failure}`, "output");
  return result;
}

/**
 * One run of the pipeline on a fresh session (for a local server: a fresh server), with live
 * progress and, with a Pushgateway, live figures. `watch` sees every run event.
 */
async function runOnce(
  loaded: LoadedPipeline,
  opts: RunCommandOptions,
  watch: (e: RunEvent) => void,
): Promise<{ result: RunResult; liveApp: string | undefined }> {
  const spark = await openSession(opts);
  try {
    const ac = new AbortController();
    const onSigint = () => ac.abort();
    process.once("SIGINT", onSigint);
    const ui =
      sparkUiFor(opts) ?? (spark.localServer ? `http://127.0.0.1:${spark.localServer.uiPort}` : undefined);
    // Live figures every second while the run works; stopped before the final push.
    const gateway = pushgatewayUrl(opts.pushgateway);
    const live = gateway
      ? new LiveRun({
          pushgateway: gateway,
          ...(ui ? { sparkUi: ui } : {}),
          warn: (l) => process.stderr.write(`${l}\n`),
        })
      : undefined;
    try {
      const result = await runPipeline(spark, loaded, {
        onProgress: fanOut(progressPrinter(!opts.json), (e) => live?.onEvent(e), watch),
        signal: ac.signal,
        ...(opts.fullRefresh ? { fullRefresh: true } : {}),
        force: opts.force ?? false,
        ...(sparkUiFor(opts) ? { sparkUi: sparkUiFor(opts)! } : {}),
      });
      return { result, liveApp: live?.current()?.applicationId };
    } finally {
      process.off("SIGINT", onSigint);
      await live?.stop();
    }
  } finally {
    // A server that went away cannot close the session: that is not this run's failure.
    await spark.stop().catch(() => undefined);
  }
}

/**
 * `--wait-for-server <seconds>`: how long to wait for a Spark Connect server that went away
 * mid-run. Default 300 s for `--remote` and `--cluster` servers (a Kubernetes driver restarted by
 * `kindling k8s scale` answers again within minutes), 0 for the server started for this run (it
 * does not come back by itself).
 */
function waitForServerSeconds(opts: RunCommandOptions): number {
  if (opts.waitForServer === undefined) return opts.remote || opts.cluster ? DEFAULT_WAIT_FOR_SERVER_S : 0;
  const s = Number(opts.waitForServer);
  if (!Number.isFinite(s) || s < 0)
    throw new KindlingError(
      `--wait-for-server must be a number of seconds, 0 or more (got '${opts.waitForServer}').`,
      "usage",
    );
  return s;
}

/** {@link saveReports}, turning a failure into words (what and why) instead of an exception. */
async function saveReportsOrSay(
  result: RunResult,
  dir: string,
  formats: ReportFormat[],
): Promise<{ written: string[]; failure?: string }> {
  try {
    return { written: await saveReports(result, dir, formats) };
  } catch (e) {
    const reason = writeFailureReason(e);
    const code = (e as NodeJS.ErrnoException).code;
    return {
      written: [],
      failure: reason ? `${reason}${code ? ` (${code})` : ""}` : String((e as Error).message ?? e),
    };
  }
}

/**
 * Writes the reports. An s3a:// report path gets them uploaded (from a local copy kept under
 * ~/.cache/kindling/reports/<run id>); returns the paths written.
 */
async function saveReports(result: RunResult, dir: string, formats: ReportFormat[]): Promise<string[]> {
  if (!isS3Path(dir)) return writeReports(result, dir, formats);
  const local = join(cacheRoot(), "reports", result.runId);
  const written = writeReports(result, local, formats);
  const client = outputS3Client();
  try {
    const { bucket, key } = parseS3(dir);
    await uploadDirectory(client, local, bucket, key);
  } finally {
    client.destroy();
  }
  return written.map((p) => `${dir}/${basename(p)}`);
}

/** The Spark UI to read stage timings from: --spark-ui, or the local cluster's Connect server UI. */
function sparkUiFor(opts: RunCommandOptions): string | undefined {
  if (opts.sparkUi) return opts.sparkUi;
  if (opts.cluster)
    return liveState(typeof opts.cluster === "string" ? opts.cluster : DEFAULT_CLUSTER_NAME)?.connectUiUrl;
  return undefined;
}

export function registerRun(program: Command): void {
  const cmd = program
    .command("run")
    .description("Run a pipeline: read, clean, enrich, aggregate, write outputs safely, and report.")
    .argument("<pipeline>", "pipeline YAML file")
    .option("--set <name=value>", "set a parameter (repeatable)", collectSet, {})
    .option("--json", "print the run result as JSON on stdout")
    .option("--spark-ui <url>", "Spark UI base URL for stage timings (remote servers)")
    .option("--force", "replace output folders Kindling did not write (they have no _kindling.json)")
    .option(
      "--full-refresh",
      "ignore the files earlier runs processed (incremental sources) and rebuild every Delta sink",
    )
    .option(
      "--wait-for-server <seconds>",
      `when the Spark Connect server goes away mid-run (nothing is published then), wait this long for it to answer and run the pipeline again from the start, at most 3 runs (default ${DEFAULT_WAIT_FOR_SERVER_S} with --remote/--cluster, 0 = off); given explicitly, a server that does not answer at the start is waited for too`,
    )
    .option(
      "--pushgateway <url>",
      `push the run's metrics to this Prometheus Pushgateway (or ${PUSHGATEWAY_ENV})`,
    );
  for (const [flag, help] of engineOptionsHelp()) cmd.option(flag, help);
  cmd.action(async (file: string, opts: RunCommandOptions) => {
    await runCommand(file, opts);
  });
}
