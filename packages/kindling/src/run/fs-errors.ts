import { KindlingError } from "../errors.js";

/**
 * The reason a write failed, in words a person acts on: "not writable" for permissions, a
 * read-only or immutable folder; "no space left" for a full disk or quota. Recognises Node's errno
 * codes and the Java messages Spark passes on. Undefined for anything else.
 */
export function writeFailureReason(e: unknown): string | undefined {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const text = errorText(e);
  if (code === "ENOSPC" || code === "EDQUOT" || /No space left on device|Disk quota exceeded/i.test(text))
    return "no space left";
  if (
    code === "EACCES" ||
    code === "EPERM" ||
    code === "EROFS" ||
    /Permission denied|Operation not permitted|Read-only file system|Mkdirs failed to create/i.test(text)
  )
    return "not writable";
  return undefined;
}

/**
 * The message of an error and of its causes, with Spark's server-side causes where the client
 * has them (SparkConnectError.serverCauses): Spark's top message for a failed write is only `[TASK_WRITE_FAILED] Task failed
 * while writing rows to …`; the operating system's reason sits in a cause.
 */
function errorText(e: unknown): string {
  const parts: string[] = [];
  let cur: unknown = e;
  for (let depth = 0; cur !== undefined && cur !== null && depth < 8; depth++) {
    if (!(cur instanceof Error)) {
      parts.push(String(cur));
      break;
    }
    parts.push(cur.message);
    const causes = (cur as { serverCauses?: unknown }).serverCauses;
    if (Array.isArray(causes)) parts.push(...causes.map(String));
    cur = cur.cause;
  }
  return parts.join("\n");
}

/**
 * Wraps a failed write of an output as KindlingError `output` naming what was written (`sink
 * orders_clean`, `the quarantine`), the path, and the reason in words; other errors pass through.
 */
export function outputWriteError(what: string, path: string, e: unknown): unknown {
  const reason = writeFailureReason(e);
  if (!reason || e instanceof KindlingError) return e;
  const code = (e as NodeJS.ErrnoException).code;
  return new KindlingError(
    `${what}: cannot write ${path}: ${reason}${code ? ` (${code})` : ""}. ${
      reason === "no space left"
        ? "Free space on that disk, or point the output elsewhere."
        : "Check the folder's permissions and flags (read-only mount, chattr +i), or point the output elsewhere."
    }`,
    "output",
    { cause: e },
  );
}
