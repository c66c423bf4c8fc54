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

const JAVA_SOURCES: Record<string, string[]> = {
  // A scalar UDF: upper case + "!", null stays null.
  Shout: [
    "package kindling.test;",
    "import org.apache.spark.sql.api.java.UDF1;",
    "public class Shout implements UDF1<String, String> {",
    '  @Override public String call(String s) { return s == null ? null : s.toUpperCase() + "!"; }',
    "}",
  ],
  // An aggregate: the total length of the non-null strings, as BIGINT.
  TotalLength: [
    "package kindling.test;",
    "import org.apache.spark.sql.Row;",
    "import org.apache.spark.sql.expressions.*;",
    "import org.apache.spark.sql.types.*;",
    "public class TotalLength extends UserDefinedAggregateFunction {",
    '  public StructType inputSchema() { return new StructType().add("s", DataTypes.StringType); }',
    '  public StructType bufferSchema() { return new StructType().add("n", DataTypes.LongType); }',
    "  public DataType dataType() { return DataTypes.LongType; }",
    "  public boolean deterministic() { return true; }",
    "  public void initialize(MutableAggregationBuffer b) { b.update(0, 0L); }",
    "  public void update(MutableAggregationBuffer b, Row r) {",
    "    if (!r.isNullAt(0)) b.update(0, b.getLong(0) + r.getString(0).length());",
    "  }",
    "  public void merge(MutableAggregationBuffer b, Row o) { b.update(0, b.getLong(0) + o.getLong(0)); }",
    "  public Object evaluate(Row b) { return b.getLong(0); }",
    "}",
  ],
};

/** Compiles the Java UDFs above (package `kindling.test`) against the pinned Spark's jars into one jar. */
async function buildUdfJar(): Promise<string> {
  const { jarsDir } = await ensureSpark();
  const src = join(dir, "src", "kindling", "test");
  mkdirSync(src, { recursive: true });
  const files = Object.entries(JAVA_SOURCES).map(([name, lines]) => {
    const file = join(src, `${name}.java`);
    writeFileSync(file, lines.join("\n"));
    return file;
  });
  const classes = join(dir, "classes");
  execFileSync("javac", ["-d", classes, "-cp", join(jarsDir, "*"), ...files], { stdio: "pipe" });
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

  it("runs a Java UDAF registered with registerJavaUDAF (after the jar was shipped)", async () => {
    await spark.udf.registerJavaUDAF("total_length", "kindling.test.TotalLength");
    const df = spark.createDataFrame(
      [
        { k: "a", w: "hey" },
        { k: "a", w: "you" },
        { k: "a", w: null },
        { k: "b", w: "sparks" },
      ],
      "k STRING, w STRING",
    );
    const rows = await df
      .groupBy("k")
      .agg(F.callFunction("total_length", F.col("w")).alias("n"))
      .orderBy("k")
      .collect();
    expect(rows).toEqual([
      { k: "a", n: 6n },
      { k: "b", n: 6n },
    ]);
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
