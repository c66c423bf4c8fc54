import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SparkProvisionError } from "../errors.js";
import { cacheRoot, pinnedProperty, pinnedVersions, sparkPomPath } from "./paths.js";
import { checkJava, checkMaven, ensureSpark, runMaven, type SparkHome, withLock } from "./provision.js";

/**
 * The jars of one add-on: a `spark/pom.xml` profile (e.g. `delta`) whose jars live in their own
 * cache folder, apart from Spark's, and are appended to a JVM's class path.
 */
export interface AddOnJars {
  /** The profile's id in spark/pom.xml. */
  profile: string;
  /** The add-on's version: the pom property `<profile>.version`. */
  version: string;
  /** `<cache>/<profile>-<version>-spark-<spark version>/jars`. */
  jarsDir: string;
  /** File names of the jars (only those Spark's own jars folder lacks). */
  jars: string[];
}

/**
 * Returns the jars of the add-on `profile`, fetched with Maven on first use into
 * `<cache>/<profile>-<version>-spark-<sparkVersion>/jars` (the version comes from the pom property
 * `<profile>.version`). Maven resolves the profile together with Spark under Spark's version
 * management (the pom's spark-parent import); the jars Spark already has are left out, so the
 * folder holds only what the add-on brings. Spark's own cache folder is never written. A second
 * call is instant; when the profile's text in the pom changes (same version, other dependencies),
 * the folder is brought up to date (its marker holds a fingerprint of the profile). Throws {@link SparkProvisionError} when the property is missing, Java or Maven
 * is missing, or the download fails.
 */
export async function ensureAddOnJars(
  profile: string,
  options: { onProgress?: (line: string) => void; spark?: SparkHome } = {},
): Promise<AddOnJars> {
  const pom = sparkPomPath();
  const version = addOnVersion(profile, pom);
  const spark =
    options.spark ?? (await ensureSpark(options.onProgress ? { onProgress: options.onProgress } : {}));
  const home = join(cacheRoot(), `${profile}-${version}-spark-${spark.version}`);
  const jarsDir = join(home, "jars");
  const marker = join(home, ".complete");
  const done = (): AddOnJars => ({ profile, version, jarsDir, jars: readdirSync(jarsDir).sort() });
  const fingerprint = profileFingerprint(profile, pom);
  const current = () => existsSync(marker) && readFileSync(marker, "utf8").trim() === fingerprint;
  if (current()) return done();

  checkJava();
  checkMaven();
  await withLock(`${home}.lock`, async () => {
    if (current()) return;
    const progress = options.onProgress ?? ((line: string) => process.stderr.write(`${line}\n`));
    progress(`kindling: fetching ${profile} ${version} from Maven Central into ${home} (first use only)`);
    const staging = `${home}.staging-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    await runMaven(pom, staging, [profile], progress);
    const sparkJars = new Set(readdirSync(spark.jarsDir));
    const wanted = readdirSync(staging).filter((jar) => !sparkJars.has(jar));
    mkdirSync(jarsDir, { recursive: true });
    for (const jar of wanted) renameSync(join(staging, jar), join(jarsDir, jar));
    // Jars an earlier version of the profile wanted and this one does not.
    for (const jar of readdirSync(jarsDir)) if (!wanted.includes(jar)) rmSync(join(jarsDir, jar));
    rmSync(staging, { recursive: true, force: true });
    writeFileSync(marker, `${fingerprint}\n`);
    progress(`kindling: ${profile} ${version} ready (${readdirSync(jarsDir).length} jars beside Spark's)`);
  });
  return done();
}

/** The pinned version of an add-on profile (`<profile>.version` in spark/pom.xml). */
export function addOnVersion(profile: string, pom = sparkPomPath()): string {
  try {
    return pinnedProperty(`${profile}.version`, pom);
  } catch {
    throw new SparkProvisionError(
      `spark/pom.xml (${pom}) pins no <${profile}.version>: an add-on profile needs its version as a property ` +
        `next to <spark.version> (Spark itself is ${pinnedVersions(pom).spark}).`,
    );
  }
}

/** A short hash of the profile's text in the pom: its jar set changes only when this does. */
function profileFingerprint(profile: string, pom: string): string {
  const text = readFileSync(pom, "utf8");
  const block = [...text.matchAll(/<profile>[\s\S]*?<\/profile>/g)]
    .map((m) => m[0])
    .find((p) => new RegExp(`<id>\\s*${profile}\\s*</id>`).test(p));
  if (!block)
    throw new SparkProvisionError(`spark/pom.xml (${pom}) has no profile with <id>${profile}</id>.`);
  return createHash("sha256").update(block).digest("hex").slice(0, 16);
}
