/**
 * Names of Spark jobs: which step, source or output a job works for (`orders_clean: write`,
 * `orders_raw: encoding check`), so the report's stage table, the Spark UI and the dashboard say
 * that instead of Spark Connect's own description (`Spark Connect - session_id: "…"`).
 *
 * A Connect client cannot set a job's description: the server sets `spark.job.description` (and
 * the stage name, `callSite.short`) of every execution to `Spark Connect - <request>` itself
 * (ExecuteThreadRunner). What it does carry over is the execution's tags (ExecutePlanRequest.tags):
 * Spark 4.2 makes each a job tag `SparkConnect_SessionTag_User_<user>_Session_<session>_Tag_<tag>`,
 * listed per job as `jobTags` by the UI's REST API (`/api/v1/applications/<app>/jobs`; seen on the
 * test server). So the name travels as a tag `kindling-job:<name>`. Spark refuses tags that are
 * empty or contain a comma (its job tag separator), so commas in a name become semicolons.
 * AnalyzePlan requests carry no tags: jobs Spark runs while analysing a plan (CSV schema inference)
 * belong to no run and are named by no one.
 */
import type { SparkSession } from "@kindling/spark-connect";

const PREFIX = "kindling-job:";

/** The execution tag that names a job `name` (`kindling-job:orders_clean: write`). */
export function jobNameTag(name: string): string {
  return `${PREFIX}${name.replace(/,/g, ";")}`;
}

/** The job name among a job's tags (as the Spark UI lists them), or undefined when none names it. */
export function jobNameOf(jobTags: readonly string[]): string | undefined {
  for (const t of jobTags) {
    const at = t.indexOf(PREFIX);
    if (at >= 0) return t.slice(at + PREFIX.length);
  }
  return undefined;
}

/**
 * Runs `work` with every Spark job it starts on `spark` named `name`: the name's tag is a session
 * tag for that time (see SparkSession.addTag), in place of any name already set, which is restored
 * afterwards. For code that runs actions without taking ActionOptions (compile's header reads,
 * encoding check); an action that takes options gets `tags: [jobNameTag(name)]` instead.
 * Not for work running concurrently on one session: the tag is the session's.
 */
export async function withJobName<T>(spark: SparkSession, name: string, work: () => Promise<T>): Promise<T> {
  const outer = [...spark.tags].filter((t) => t.startsWith(PREFIX));
  for (const t of outer) spark.removeTag(t);
  const tag = jobNameTag(name);
  spark.addTag(tag);
  try {
    return await work();
  } finally {
    spark.removeTag(tag);
    for (const t of outer) spark.addTag(t);
  }
}
