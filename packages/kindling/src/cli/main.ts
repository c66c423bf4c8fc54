import { Command } from "commander";
import { registerCommands } from "./commands/index.js";
import { exitCodeFor, formatCliError } from "./errors.js";

/** Entry point of the `kindling` CLI. Exit codes: 0 ok, 1 data or pipeline failure, 2 usage or spec error. */
const program = new Command("kindling")
  .description("Declarative ETL pipelines on Apache Spark, driven through Spark Connect.")
  .showHelpAfterError()
  .exitOverride();
registerCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  const code = (err as { code?: string }).code;
  if (code === "commander.helpDisplayed" || code === "commander.version" || code === "commander.help") {
    process.exitCode = 0;
  } else if (typeof code === "string" && code.startsWith("commander.")) {
    process.exitCode = 2;
  } else {
    process.stderr.write(`${formatCliError(err)}\n`);
    process.exitCode = exitCodeFor(err);
  }
}
