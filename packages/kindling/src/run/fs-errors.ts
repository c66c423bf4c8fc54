import { KindlingError } from "../errors.js";

/**
 * The reason a write failed, in words a person acts on: "not writable" for permissions, a
 * read-only or immutable folder; "no space left" for a full disk or quota. Recognises Node's errno
 * codes and the Java messages Spark passes on. Undefined for anything else.
 */
export function writeFailureReason(e: unknown): string | undefined {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const text = e instanceof Error ? e.message : String(e);
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
