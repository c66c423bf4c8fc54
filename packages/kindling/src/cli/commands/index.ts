import type { Command } from "commander";
import { registerChaos, registerCluster } from "./cluster.js";
import { registerDashboard } from "./dashboard.js";
import { registerGenerate } from "./generate.js";
import { registerHistory } from "./history.js";
import { registerK8s } from "./k8s.js";
import { registerMetricsUp, registerServeMetrics } from "./metrics.js";
import { registerPlan } from "./plan.js";
import { registerQuickstart } from "./quickstart.js";
import { registerReport } from "./report.js";
import { registerRun } from "./run.js";
import { registerValidate } from "./validate.js";

/** Adds every `kindling` sub-command to the program. Each command lives in its own module. */
export function registerCommands(program: Command): void {
  registerRun(program);
  registerPlan(program);
  registerValidate(program);
  registerGenerate(program);
  registerReport(program);
  registerHistory(program);
  registerQuickstart(program);
  registerCluster(program);
  registerChaos(program);
  registerK8s(program);
  registerServeMetrics(program);
  registerMetricsUp(program);
  registerDashboard(program);
}
