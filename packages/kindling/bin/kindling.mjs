#!/usr/bin/env node
// The kindling CLI, run from source: tsx compiles the TypeScript on the fly (no build step).
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { register } from "tsx/esm/api";

register();
const here = dirname(fileURLToPath(import.meta.url));
await import(pathToFileURL(join(here, "..", "src", "cli", "main.ts")).href);
