import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { SparkProvisionError } from "../errors.js";
import { cacheRoot, pinnedVersions, sparkPomPath } from "./paths.js";

/** A Spark installation usable to start servers: a folder with `jars/`, laid out as a SPARK_HOME. */
/** A Spark installation: its folder, jars and version. */
export interface SparkHome {
  /** The installation's root folder. */
  home: string;
  /** The folder of its jars (the server's class path is `<jarsDir>/*`). */
  jarsDir: string;
  /** Its Spark version. */
  version: string;
  /** True when the installation came from the user's `SPARK_HOME` rather than Kindling's cache. */
  external: boolean;
}

/** Options of {@link ensureSpark}. */
export interface ProvisionOptions {
  /** Called with human-readable progress lines while Maven downloads. */
  onProgress?: (line: string) => void;
  /** Extra Maven profiles to activate (e.g. `s3` for hadoop-aws). */
  profiles?: string[];
}

const MIN_JAVA = 17;
// Maven colours its output; strip the escapes before matching lines.
const ANSI_ESCAPES = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");

/**
 * Checks that `java` is on PATH and is at least Java 17.
 * Returns the major version; throws {@link SparkProvisionError} with what to install otherwise.
 */
export function checkJava(): number {
  const javaBin = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, "bin", "java") : "java";
  const r = spawnSync(javaBin, ["-version"], { encoding: "utf8" });
  if (r.error || r.status !== 0) {
    throw new SparkProvisionError(
      `Java was not found (${javaBin}). Spark needs Java ${MIN_JAVA} or newer: install a JDK ` +
        `(e.g. 'apt-get install openjdk-17-jdk-headless') or set JAVA_HOME.`,
    );
  }
  const m = (r.stderr + r.stdout).match(/version "(\d+)(?:\.(\d+))?/);
  const major = m ? (m[1] === "1" ? Number(m[2]) : Number(m[1])) : Number.NaN;
  if (!(major >= MIN_JAVA)) {
    throw new SparkProvisionError(
      `Java ${Number.isNaN(major) ? "(unknown version)" : major} is too old: Spark 4 needs Java ${MIN_JAVA} ` +
        `or newer. Install a newer JDK (e.g. 'apt-get install openjdk-17-jdk-headless') or point JAVA_HOME at one.`,
    );
  }
  return major;
}

/** The `java` executable to start JVMs with (honours JAVA_HOME). */
export function javaExecutable(): string {
  return process.env.JAVA_HOME ? join(process.env.JAVA_HOME, "bin", "java") : "java";
}

/** Throws {@link SparkProvisionError} saying what to install when `mvn` is not on PATH. */
export function checkMaven(): void {
  const r = spawnSync("mvn", ["-v"], { encoding: "utf8" });
  if (r.error || r.status !== 0) {
    throw new SparkProvisionError(
      "Maven ('mvn') was not found. Kindling fetches its pinned Spark from Maven Central on first use: " +
        "install Maven (e.g. 'apt-get install maven'), or set SPARK_HOME to an existing Spark 4 installation.",
    );
  }
}

/** Where Kindling keeps the pinned Spark (`<cache>/spark-<version>`). */
export function cachedSparkHome(version = pinnedVersions().spark): string {
  return join(cacheRoot(), `spark-${version}`);
}

/** The file that says the jars of these Maven profiles are complete in `home`. */
function provisionedMarker(home: string, profiles: string[]): string {
  const sorted = [...profiles].sort();
  return join(home, sorted.length ? `.complete-${sorted.join("-")}` : ".complete");
}

/**
 * True when the pinned Spark (with the jars of these Maven profiles of spark/pom.xml, e.g. `s3`)
 * is already in the cache, or `SPARK_HOME` is set: {@link ensureSpark} would then return at once.
 * Only looks at files; never downloads.
 */
export function isSparkProvisioned(profiles: string[] = []): boolean {
  if (process.env.SPARK_HOME) return true;
  return existsSync(provisionedMarker(cachedSparkHome(), profiles));
}

/**
 * Returns a Spark installation: `SPARK_HOME` if set (it must contain `jars/`), otherwise the pinned
 * version from Kindling's cache, fetched with Maven on first use (progress goes to `onProgress`).
 * A second call is instant. Throws {@link SparkProvisionError} when Java or Maven is missing or the
 * download fails.
 */
export async function ensureSpark(options: ProvisionOptions = {}): Promise<SparkHome> {
  const external = process.env.SPARK_HOME;
  if (external) {
    const jarsDir = join(external, "jars");
    if (!existsSync(jarsDir)) {
      throw new SparkProvisionError(
        `SPARK_HOME=${external} has no jars/ folder. Point SPARK_HOME at a Spark 4 distribution, or unset it ` +
          "to let Kindling fetch its pinned Spark.",
      );
    }
    const version = readdirSync(jarsDir)
      .map((f) => f.match(/^spark-core_[\d.]+-(.+)\.jar$/)?.[1])
      .find(Boolean);
    return { home: external, jarsDir, version: version ?? "unknown", external: true };
  }
  const versions = pinnedVersions();
  const home = cachedSparkHome(versions.spark);
  const profiles = [...(options.profiles ?? [])].sort();
  const marker = provisionedMarker(home, profiles);
  const jarsDir = join(home, "jars");
  if (existsSync(marker)) return { home, jarsDir, version: versions.spark, external: false };

  checkJava();
  checkMaven();
  await withLock(join(cacheRoot(), `spark-${versions.spark}.lock`), async () => {
    if (existsSync(marker)) return;
    const progress = options.onProgress ?? ((line: string) => process.stderr.write(`${line}\n`));
    progress(
      `kindling: fetching Spark ${versions.spark}${profiles.length ? ` (+${profiles.join(", ")})` : ""} ` +
        `from Maven Central into ${home} (first use only)`,
    );
    const staging = `${home}.staging-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(join(staging, "jars"), { recursive: true });
    await runMaven(sparkPomPath(), join(staging, "jars"), profiles, progress);
    mkdirSync(home, { recursive: true });
    mkdirSync(jarsDir, { recursive: true });
    for (const jar of readdirSync(join(staging, "jars")))
      renameSync(join(staging, "jars", jar), join(jarsDir, jar));
    rmSync(staging, { recursive: true, force: true });
    // Spark's standalone Worker refuses to launch executors without a RELEASE file in SPARK_HOME.
    writeFileSync(
      join(home, "RELEASE"),
      `Spark ${versions.spark} (jars fetched by Kindling from Maven Central)\n`,
    );
    writeFileSync(marker, `${new Date().toISOString()}\n`);
    progress(`kindling: Spark ${versions.spark} ready (${readdirSync(jarsDir).length} jars)`);
  });
  return { home, jarsDir, version: versions.spark, external: false };
}

/**
 * Runs `mvn dependency:copy-dependencies` on `pom` with the given profiles, copying the runtime jars
 * into `outDir`. Throws {@link SparkProvisionError} with Maven's last lines when it fails.
 */
export function runMaven(
  pom: string,
  outDir: string,
  profiles: string[],
  progress: (l: string) => void,
): Promise<void> {
  const args = [
    "-B",
    "-f",
    pom,
    "dependency:copy-dependencies",
    `-DoutputDirectory=${outDir}`,
    "-DincludeScope=runtime",
    ...(profiles.length ? [`-P${profiles.join(",")}`] : []),
  ];
  return new Promise((resolvePromise, reject) => {
    const child = spawn("mvn", args, { stdio: ["ignore", "pipe", "pipe"] });
    let downloaded = 0;
    let lastReport = 0;
    const tail: string[] = [];
    const onLine = (line: string) => {
      tail.push(line);
      if (tail.length > 40) tail.shift();
      if (/^Downloaded from/.test(line)) {
        downloaded++;
        const now = Date.now();
        if (now - lastReport > 2000) {
          lastReport = now;
          progress(`kindling:   ${downloaded} artifacts downloaded…`);
        }
      }
    };
    let buf = "";
    const feed = (chunk: Buffer) => {
      buf += chunk.toString("utf8");
      let i = buf.indexOf("\n");
      while (i >= 0) {
        onLine(buf.slice(0, i).replace(ANSI_ESCAPES, ""));
        buf = buf.slice(i + 1);
        i = buf.indexOf("\n");
      }
    };
    child.stdout.on("data", feed);
    child.stderr.on("data", feed);
    child.on("error", (e) => reject(new SparkProvisionError(`Could not run Maven: ${e.message}`)));
    child.on("close", (code) => {
      if (code === 0) resolvePromise();
      else
        reject(
          new SparkProvisionError(
            `Maven could not fetch Spark (exit ${code}). Check network access to Maven Central ` +
              `(or a mirror in ~/.m2/settings.xml). Last Maven output:\n${tail.slice(-15).join("\n")}`,
          ),
        );
    });
  });
}

/** A cross-process lock on a directory name; stale locks (dead owner pid) are taken over. */
export async function withLock<T>(lockDir: string, fn: () => Promise<T>): Promise<T> {
  mkdirSync(dirname(lockDir), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, "pid"), String(process.pid));
      break;
    } catch {
      const owner = Number(readFileOr(join(lockDir, "pid")));
      if (owner && !isAlive(owner)) {
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

function readFileOr(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

/** True when a process with this pid exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
