import type { Command } from "commander";

/** Adds every `kindling` sub-command to the program. Each command lives in its own module. */
export function registerCommands(_program: Command): void {}
