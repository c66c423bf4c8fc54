#!/usr/bin/env node
// Runs the CLI from source through tsx (the monorepo is used from a checkout).
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const main = join(here, "..", "src", "cli", "main.ts");
const r = spawnSync(process.execPath, ["--conditions=development", "--import", "tsx", main, ...process.argv.slice(2)], {
  stdio: "inherit",
});
process.exit(r.status ?? 1);
