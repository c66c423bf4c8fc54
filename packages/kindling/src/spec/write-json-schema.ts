/**
 * Rewrites pipelines/pipeline.schema.json from the zod schemas (`npm run -w @kindling/kindling schema`),
 * then lets Biome lay it out as the repository's formatter expects. A test fails when the committed
 * file's content is stale.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { pipelineJsonSchemaText } from "./json-schema.js";

/** Where the committed JSON Schema lives (the repository's pipelines/ folder). */
export const PIPELINE_SCHEMA_FILE = fileURLToPath(
  new URL("../../../../pipelines/pipeline.schema.json", import.meta.url),
);

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(PIPELINE_SCHEMA_FILE, pipelineJsonSchemaText());
  const biome = createRequire(import.meta.url).resolve("@biomejs/biome/bin/biome");
  execFileSync(process.execPath, [biome, "format", "--write", PIPELINE_SCHEMA_FILE], { stdio: "inherit" });
  process.stdout.write(`wrote ${PIPELINE_SCHEMA_FILE}\n`);
}
