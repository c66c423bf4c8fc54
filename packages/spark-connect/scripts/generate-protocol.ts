/**
 * Build step: takes Spark Connect's .proto files out of the pinned spark-connect jar and compiles
 * them to TypeScript in src/gen with protoc-gen-es (via buf). Nothing generated is committed.
 * Skips the work when src/gen already matches the pinned Spark version.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureSpark } from "../src/local/provision.js";

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const genDir = join(pkgDir, "src", "gen");
const protoDir = join(pkgDir, ".protos");
const stamp = join(genDir, ".spark-version");

const spark = await ensureSpark();
const jar = join(spark.jarsDir, `spark-connect_2.13-${spark.version}.jar`);
if (existsSync(stamp) && readFileSync(stamp, "utf8").trim() === spark.version) process.exit(0);
if (!existsSync(jar)) {
  console.error(
    `generate-protocol: ${jar} not found; the Spark Connect jar carries the protocol's .proto files.`,
  );
  process.exit(1);
}
rmSync(protoDir, { recursive: true, force: true });
rmSync(genDir, { recursive: true, force: true });
mkdirSync(protoDir, { recursive: true });
// spark/connect/*.proto is the protocol; google/rpc/error_details.proto types the error details
// the server attaches to gRPC statuses. Both ship inside the pinned jar.
execFileSync("unzip", [
  "-q",
  "-o",
  jar,
  "spark/connect/*.proto",
  "google/rpc/error_details.proto",
  "-d",
  protoDir,
]);
writeFileSync(join(protoDir, "buf.yaml"), "version: v2\n");
const buf = join(pkgDir, "..", "..", "node_modules", ".bin", "buf");
execFileSync(buf, ["generate", protoDir, "--template", join(pkgDir, "buf.gen.yaml")], {
  cwd: pkgDir,
  stdio: "inherit",
});
writeFileSync(stamp, `${spark.version}\n`);
console.error(`generate-protocol: Spark Connect ${spark.version} protocol compiled into src/gen`);
