import type { Command } from "commander";
import { registerGenerate } from "./generate.js";

/** Adds every `kindling` sub-command to the program. Each command lives in its own module. */
export function registerCommands(program: Command): void {
  registerGenerate(program);
}
