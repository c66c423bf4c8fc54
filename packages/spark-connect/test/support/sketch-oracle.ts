/**
 * Asks Spark's own sketch classes (spark-sketch, from the pinned Spark's jars) about sketch bytes,
 * through the single-file Java program SketchOracle.java: the reference the TypeScript sketches
 * must agree with, answer for answer.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureSpark, javaExecutable, type SketchItem } from "../../src/index.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

function itemLine(item: SketchItem): string {
  if (typeof item === "string") return `s:${Buffer.from(item, "utf8").toString("hex")}`;
  if (item instanceof Uint8Array) return `b:${hex(item)}`;
  return `l:${BigInt(item)}`;
}

/** Spark's answers for `items`: the summary line, then one answer per item. */
export async function sparkSketchAnswers(
  kind: "cms" | "bf",
  bytes: Uint8Array,
  items: SketchItem[],
): Promise<{ summary: string; answers: string[] }> {
  const { jarsDir } = await ensureSpark();
  const jar = readdirSync(jarsDir).find((f) => f.startsWith("spark-sketch_"));
  if (!jar) throw new Error(`No spark-sketch jar in ${jarsDir}.`);
  const program = join(dirname(fileURLToPath(import.meta.url)), "SketchOracle.java");
  const input = [kind, hex(bytes), ...items.map(itemLine)].join("\n");
  const r = spawnSync(javaExecutable(), ["-cp", join(jarsDir, jar), program], {
    input,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`SketchOracle failed (${r.status}): ${r.stderr}`);
  const [summary = "", ...answers] = r.stdout.trimEnd().split("\n");
  return { summary, answers };
}
