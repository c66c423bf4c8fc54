import { basename, dirname, join, resolve } from "node:path";
import { cacheRoot } from "@kindling/spark-connect";
import type { Command } from "commander";
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
import { type RunResult, runPipeline } from "../../run/runner.js";
import { loadPipeline } from "../../spec/index.js";
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
}

/**
 * Runs a pipeline end to end and writes its report. Exit code 0 when the run succeeded, 1 when it
 * failed (data or pipeline), 2 for a spec or usage error.
 */
export async function runCommand(file: string, opts: RunCommandOptions): Promise<RunResult> {
  const loaded = await loadPipeline(file, { set: opts.set });
  await checkSourcePaths(loaded, { s3: inputS3Client(opts) }); // before Spark starts
  const spark = await openSession(opts);
  let result: RunResult;
  let liveApp: string | undefined;
  try {
    const ac = new AbortController();
    const onSigint = () => ac.abort();
    process.once("SIGINT", onSigint);
    const ui =
      sparkUiFor(opts) ?? (spark.localServer ? `http://127.0.0.1:${spark.localServer.uiPort}` : undefined);
    // Live figures every second while the run works; stopped before the final push below.
    const gateway = pushgatewayUrl(opts.pushgateway);
    const live = gateway
      ? new LiveRun({
          pushgateway: gateway,
          ...(ui ? { sparkUi: ui } : {}),
          warn: (l) => process.stderr.write(`${l}\n`),
        })
      : undefined;
    try {
      result = await runPipeline(spark, loaded, {
        onProgress: fanOut(progressPrinter(!opts.json), (e) => live?.onEvent(e)),
        signal: ac.signal,
        ...(opts.fullRefresh ? { fullRefresh: true } : {}),
        force: opts.force ?? false,
        ...(sparkUiFor(opts) ? { sparkUi: sparkUiFor(opts)! } : {}),
      });
    } finally {
      process.off("SIGINT", onSigint);
      await live?.stop();
      liveApp = live?.current()?.applicationId;
    }
  } finally {
    await spark.stop();
  }
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
      "--pushgateway <url>",
      `push the run's metrics to this Prometheus Pushgateway (or ${PUSHGATEWAY_ENV})`,
    );
  for (const [flag, help] of engineOptionsHelp()) cmd.option(flag, help);
  cmd.action(async (file: string, opts: RunCommandOptions) => {
    await runCommand(file, opts);
  });
}
