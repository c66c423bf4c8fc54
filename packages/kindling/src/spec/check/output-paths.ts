/**
 * Output paths that stay inside: after parameter substitution, no sink, quarantine or report path
 * may hold a `..` segment (a parameter such as `name=../../victim` must not lead a run outside its
 * folders, where publishing would replace a folder of the user's), and when the spec declares
 * `target_path`, each must lie strictly inside it.
 */
import { resolve } from "node:path";
import type { SpecPath } from "../errors.js";
import { describeFound, type IssueDraft } from "../issues.js";
import type { PipelineParts } from "./parts.js";

const isUrl = (p: string) => /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(p);

/** A path made comparable: URLs without trailing slashes, local paths resolved against the cwd. */
function normalise(p: string): string {
  if (p.startsWith("file://")) return resolve(p.slice("file://".length));
  return isUrl(p) ? p.replace(/\/+$/, "") : resolve(p);
}

/** Each output path of the spec with its YAML path. */
function outputPaths(parts: PipelineParts): { value: string; path: SpecPath }[] {
  const out: { value: string; path: SpecPath }[] = [];
  for (const { name, spec } of parts.sinks)
    if (spec) out.push({ value: spec.path, path: ["sinks", name, "path"] });
  if (parts.quarantine) out.push({ value: parts.quarantine.path, path: ["quarantine", "path"] });
  if (parts.report) out.push({ value: parts.report.path, path: ["report", "path"] });
  return out;
}

/** The issues of every output path (see the module comment). */
export function checkOutputPaths(parts: PipelineParts): IssueDraft[] {
  const issues: IssueDraft[] = [];
  const root = parts.targetPath ? normalise(parts.targetPath) : undefined;
  for (const { value, path } of outputPaths(parts)) {
    const rest = isUrl(value) ? value.replace(/^[^:]+:\/\//, "") : value;
    if (rest.split(/[/\\]/).includes("..")) {
      issues.push({
        code: "invalid_value",
        path,
        message: `an output path must not contain a ".." segment (after parameter substitution it is ${describeFound(value)}): outputs stay inside the folders the spec names; give a path without ".." (check the parameters it uses)`,
      });
    } else if (root !== undefined && !normalise(value).startsWith(`${root}/`)) {
      issues.push({
        code: "invalid_value",
        path,
        message: `${describeFound(value)} resolves to ${normalise(value)}, outside target_path ${root}: put it under target_path, or change target_path`,
      });
    }
  }
  return issues;
}
