import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { SparkProvisionError } from "../errors.js";

/** Root of Kindling's download/build cache (`KINDLING_CACHE`, default `~/.cache/kindling`). */
export function cacheRoot(): string {
  return (
    process.env.KINDLING_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "kindling")
  );
}

/**
 * The Maven project that pins Spark (`spark/pom.xml` at the repository root).
 * `KINDLING_SPARK_POM` overrides it. Throws when it cannot be found.
 */
export function sparkPomPath(): string {
  const override = process.env.KINDLING_SPARK_POM;
  if (override) return resolve(override);
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, "spark", "pom.xml");
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new SparkProvisionError(
    "Cannot find spark/pom.xml (the file that pins Kindling's Spark version). " +
      "Run from a Kindling checkout, or set KINDLING_SPARK_POM to its path.",
  );
}

/** Versions pinned in `spark/pom.xml`: the one source of truth for Spark and its Hadoop client. */
/** The versions `spark/pom.xml` pins: the one place Kindling sets them. */
export interface PinnedVersions {
  /** Spark's version, `<spark.version>` (e.g. `4.2.0`). */
  spark: string;
  /** The Scala binary version of Spark's artifacts, `<scala.binary.version>` (e.g. `2.13`). */
  scala: string;
  /** The Hadoop client version inside Spark's jars (e.g. `3.5.0`; hadoop-aws must match it). */
  hadoop: string;
}

/** Reads the pinned versions from `spark/pom.xml`; throws if a property is missing. */
export function pinnedVersions(pom = sparkPomPath()): PinnedVersions {
  const prop = (name: string) => pinnedProperty(name, pom);
  return {
    spark: prop("spark.version"),
    scala: prop("scala.binary.version"),
    hadoop: prop("hadoop.version"),
  };
}

/** One property of `spark/pom.xml` (e.g. `delta.version`); throws naming the file when it is missing. */
export function pinnedProperty(name: string, pom = sparkPomPath()): string {
  const text = readFileSync(pom, "utf8");
  const m = text.match(new RegExp(`<${name.replace(/\./g, "\\.")}>([^<]+)</`));
  if (!m?.[1]) throw new SparkProvisionError(`${pom}: property <${name}> is missing`);
  return m[1].trim();
}
