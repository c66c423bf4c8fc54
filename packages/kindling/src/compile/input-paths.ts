/**
 * Source paths checked before Spark starts: a path or glob that matches no data file is a spec
 * error naming the source and its YAML path (file:line), instead of Spark's late
 * `PATH_NOT_FOUND` or an empty read. Local paths are listed on disk, s3a:// paths with the S3 API.
 *
 * Globs follow Hadoop's `GlobPattern`, which Spark uses to expand paths: per path segment, `*` and
 * `?` (not crossing `/`), `[abc]`, `[a-z]`, `[^a]` / `[!a]`, `{a,b}` and `\` to escape. Braces
 * holding a `/` are not expanded here (such a path is left to Spark). Written here rather than
 * taken from an npm glob library: those add globstars, extglobs and leading `!` negation that
 * Hadoop does not have, and the answer must be Spark's.
 */
import { readdirSync, statSync } from "node:fs";
import { dirname, join, parse, sep } from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import { isS3Path, parseS3 } from "../run/publish-s3.js";
import type { SpecIssue } from "../spec/errors.js";
import { formatPath, SpecError } from "../spec/errors.js";
import type { LoadedPipeline } from "../spec/index.js";
import { locate, readYaml } from "../spec/yaml-source.js";
import { listObjects } from "../storage/objects.js";
import { resolvePath } from "./read.js";

/** True when `segment` holds an unescaped glob character. */
export function hasGlob(segment: string): boolean {
  return /(^|[^\\])[*?[{]/.test(segment);
}

/** One path segment's Hadoop glob as an anchored RegExp (see the module comment for the syntax). */
export function globToRegExp(segment: string): RegExp {
  let re = "";
  let braces = 0;
  for (let i = 0; i < segment.length; i++) {
    const ch = segment[i]!;
    if (ch === "\\" && i + 1 < segment.length) re += escapeRe(segment[++i]!);
    else if (ch === "*") re += "[^/]*";
    else if (ch === "?") re += "[^/]";
    else if (ch === "{") {
      braces++;
      re += "(?:";
    } else if (ch === "}" && braces > 0) {
      braces--;
      re += ")";
    } else if (ch === "," && braces > 0) re += "|";
    else if (ch === "[") {
      const end = segment.indexOf("]", i + 2);
      if (end < 0) re += "\\[";
      else {
        let set = segment.slice(i + 1, end);
        if (set.startsWith("!")) set = `^${set.slice(1)}`;
        re += `[${set.replace(/\\/g, "\\\\")}]`;
        i = end;
      }
    } else re += escapeRe(ch);
  }
  return new RegExp(`^${re}$`, "s");
}

const escapeRe = (ch: string) => ch.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/** Spark skips files and folders whose names start with `_` or `.` (its hidden-path rule). */
const isHiddenName = (name: string) => name.startsWith("_") || name.startsWith(".");

/** True when a local file, or a folder with a non-hidden file somewhere below, is at `path`. */
function holdsData(path: string): boolean {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) return false;
  if (!st.isDirectory()) return true;
  return readdirSync(path, { withFileTypes: true }).some(
    (e) => !isHiddenName(e.name) && holdsData(join(path, e.name)),
  );
}

/** Local paths matching an absolute Hadoop glob, expanded segment by segment. */
export function localMatches(pattern: string): string[] {
  const { root } = parse(pattern);
  let found = [root];
  for (const segment of pattern.slice(root.length).split(sep).filter(Boolean)) {
    const next: string[] = [];
    for (const base of found) {
      if (!hasGlob(segment)) {
        const p = join(base, segment.replace(/\\(.)/g, "$1"));
        if (statSync(p, { throwIfNoEntry: false })) next.push(p);
        continue;
      }
      const re = globToRegExp(segment);
      const st = statSync(base, { throwIfNoEntry: false });
      if (!st?.isDirectory()) continue;
      for (const name of readdirSync(base)) if (re.test(name)) next.push(join(base, name));
    }
    found = next;
  }
  return found.filter(holdsData);
}

/** Object keys under an s3a:// glob that Spark would read (the keys themselves or keys below a match). */
export async function s3Matches(client: S3Client, pattern: string): Promise<string[]> {
  const { bucket, key } = parseS3(pattern);
  const segments = key.split("/").filter(Boolean);
  const literal = segments.findIndex(hasGlob);
  const prefix = (literal < 0 ? segments : segments.slice(0, literal)).join("/");
  const res = segments.map((s) => (hasGlob(s) ? globToRegExp(s) : new RegExp(`^${escapeRe(s)}$`)));
  const objects = await listObjects(client, bucket, prefix);
  return objects
    .map((o) => o.key)
    .filter((k) => {
      const parts = k.split("/");
      if (parts.length < res.length || !res.every((re, i) => re.test(parts[i]!))) return false;
      return !parts.slice(res.length).some(isHiddenName) && !k.endsWith("/");
    });
}

/**
 * Checks every source path of a loaded pipeline before Spark starts. Throws a {@link SpecError}
 * (exit 2) listing each path that matches no data file, with the source, its YAML path and
 * file:line. `s3` lists s3a:// paths; without it they are left to Spark (no endpoint known yet).
 */
export async function checkSourcePaths(
  loaded: LoadedPipeline,
  options: { baseDir?: string; s3?: () => S3Client } = {},
): Promise<void> {
  const { source } = readYaml(loaded.sourceText);
  const issues: SpecIssue[] = [];
  let client: S3Client | undefined;
  try {
    for (const [name, s] of Object.entries(loaded.spec.sources)) {
      const list = Array.isArray(s.path) ? s.path : [s.path];
      for (const [i, given] of list.entries()) {
        const path = resolvePath(given, options.baseDir);
        let found: number;
        if (isS3Path(path)) {
          if (!options.s3) continue;
          client ??= options.s3();
          found = (await s3Matches(client, path)).length;
        } else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path) && !path.startsWith("file:")) continue;
        else found = localMatches(path.replace(/^file:(\/\/(?=\/))?/, "")).length;
        if (found > 0) continue;
        const segments = ["sources", name, "path", ...(Array.isArray(s.path) ? [i] : [])];
        const at = locate(source, { code: "invalid_value", path: segments, message: "" });
        issues.push({
          code: "invalid_value",
          file: loaded.file,
          ...(at ? { line: at.line, column: at.column } : {}),
          path: formatPath(segments),
          segments,
          message: `source ${name}: ${JSON.stringify(path)} matches no data file${nearest(path)}. Check the path and the parameters in it, or create the data first.`,
        });
      }
    }
  } finally {
    client?.destroy();
  }
  if (issues.length) throw new SpecError(issues, loaded.file);
}

/** Where a local path stops existing, to point the user at the part that is wrong. */
function nearest(path: string): string {
  if (isS3Path(path)) return "";
  let dir = dirname(path);
  while (hasGlob(dir) || !statSync(dir, { throwIfNoEntry: false })) {
    const up = dirname(dir);
    if (up === dir) return "";
    dir = up;
  }
  return ` (${dir} exists; nothing in it matches the rest)`;
}
