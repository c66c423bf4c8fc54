/**
 * A failed write, said in one paragraph: which output (and the step feeding it) failed, Spark's
 * error, and the root cause Spark's error chain holds. Spark reports a failed partitioned write as
 * `TASK_WRITE_FAILED`; the exception that explains it (a `FileAlreadyExistsException`, a full
 * disk, a permission) is only in the chain, which the client exposes as `rootCause`.
 */
import { SparkConnectError } from "@kindling/spark-connect";
import { KindlingError } from "../errors.js";

/** The output an action writes: a sink (fed by `step`) or the quarantine. */
export interface WriteTarget {
  name: string;
  kind: "sink" | "quarantine";
  path: string;
  /** The step (or source) the sink reads from. */
  step?: string;
  partitionBy?: string[];
}

/** Suggestions for root causes whose fix is known, keyed by the exception's class. */
function hintFor(target: WriteTarget, rootClass: string | undefined): string {
  if (rootClass?.endsWith("FileAlreadyExistsException") && target.partitionBy?.length) {
    return (
      ` This usually means two values of ${target.partitionBy.join(", ")} map to the same partition folder (a null ` +
      "and the text __HIVE_DEFAULT_PARTITION__ both become =__HIVE_DEFAULT_PARTITION__): clean or rename such values before this output."
    );
  }
  return " The Spark server log has the full trace.";
}

/**
 * The KindlingError (code `output`) for a failed write of `target`, carrying Spark's message
 * (which already ends with the root cause, see SparkConnectError.rootCause) and a suggestion.
 * Errors that are not Spark's, and the client's UNAVAILABLE (the server went away), are returned unchanged.
 */
export function writeFailed(e: unknown, target: WriteTarget): unknown {
  // A lost server is no fault of the output: the client's own message says what happened.
  if (!(e instanceof SparkConnectError) || e.code === "UNAVAILABLE") return e;
  const where =
    target.kind === "sink"
      ? `output ${target.name}${target.step ? ` (from step ${target.step})` : ""}`
      : "the quarantine output";
  const what = e.message.replace(/[\s.]+$/, "");
  return new KindlingError(
    `${where} could not be written to ${target.path}: ${what}.${hintFor(target, e.rootCause?.className)}`,
    "output",
    { cause: e },
  );
}
