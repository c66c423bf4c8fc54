/**
 * UDFs a TypeScript client can use over Spark Connect: a Java UDF compiled here with `javac`
 * against the pinned Spark's jars, shipped with `spark.addArtifacts` and registered with
 * `spark.udf.registerJavaFunction`; and a SQL UDF (`CREATE TEMPORARY FUNCTION … RETURN …`)
 * called with `functions.callFunction`.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureSpark, functions as F, SparkConnectError, type SparkSession } from "../src/index.js";
import { testSession } from "./support/session.js";

let spark: SparkSession;
let dir: string;

/** Compiles one Java UDF (`kindling.test.Shout`: upper case + "!", null stays null) into a jar. */
async function buildUdfJar(): Promise<string> {
  const { jarsDir } = await ensureSpark();
  const src = join(dir, "src", "kindling", "test");
  mkdirSync(src, { recursive: true });
  writeFileSync(
    join(src, "Shout.java"),
    [
      "package kindling.test;",
      "import org.apache.spark.sql.api.java.UDF1;",
      "public class Shout implements UDF1<String, String> {",
      '  @Override public String call(String s) { return s == null ? null : s.toUpperCase() + "!"; }',
      "}",
    ].join("\n"),
  );
  const classes = join(dir, "classes");
  execFileSync("javac", ["-d", classes, "-cp", join(jarsDir, "*"), join(src, "Shout.java")], {
    stdio: "pipe",
  });
  const jar = join(dir, "kindling-test-udf.jar");
  execFileSync("jar", ["cf", jar, "-C", classes, "."], { stdio: "pipe" });
  return jar;
}

beforeAll(async () => {
  spark = await testSession();
  dir = mkdtempSync(join(tmpdir(), "kindling-udf-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("Java UDFs", () => {
  it("runs a Java UDF shipped with addArtifacts and registered with registerJavaFunction", async () => {
    await spark.addArtifacts(await buildUdfJar());
    await spark.udf.registerJavaFunction("shout", "kindling.test.Shout", "string");
    const df = spark.createDataFrame([{ w: "hey" }, { w: "you" }, { w: null }], "w STRING");
    const rows = await df.select(F.callFunction("shout", F.col("w")).alias("loud")).collect();
    expect(rows).toEqual([{ loud: "HEY!" }, { loud: "YOU!" }, { loud: null }]);
    // Registered in the session: SQL sees it too.
    expect(await (await spark.sql("SELECT shout('sql') AS s")).collect()).toEqual([{ s: "SQL!" }]);
  });

  it("fails with Spark's error naming the class when it is not on the class path", async () => {
    const error = await spark.udf
      .registerJavaFunction("nope", "kindling.test.DoesNotExist", "int")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SparkConnectError);
    expect((error as Error).message).toContain("kindling.test.DoesNotExist");
  });

  it("refuses to upload a non-jar as a class-path artifact", async () => {
    const txt = join(dir, "notes.txt");
    writeFileSync(txt, "x");
    await expect(spark.addArtifacts(txt)).rejects.toThrow(/not a \.jar.*file: true/);
  });
});

describe("SQL UDFs", () => {
  it("calls a temporary SQL function through callFunction", async () => {
    await spark.sql("CREATE OR REPLACE TEMPORARY FUNCTION plus_one(x INT) RETURNS INT RETURN x + 1");
    const rows = await spark
      .range(3)
      .select(F.callFunction("plus_one", F.col("id").cast("int")).alias("y"))
      .orderBy("y")
      .collect();
    expect(rows).toEqual([{ y: 1 }, { y: 2 }, { y: 3 }]);
  });
});
