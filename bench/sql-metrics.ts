/**
 * The time metrics of each SQL execution's plan nodes, from the Spark UI's REST API
 * (`/api/v1/applications/<app>/sql?details=true`): where a stage's time went inside its fused
 * code (sort, aggregation build, shuffle write, scan, commit). For the profiling tools.
 */

/** A plan node as the UI lists it (the fields read here). */
interface UiNode {
  nodeId: number;
  nodeName: string;
  metrics: { name: string; value: string }[];
}

interface UiExecution {
  id: number;
  description: string;
  duration: number;
  nodes: UiNode[];
}

const SHOWN = /time|duration|rows output|number of output rows|spill|peak memory|files read|written output/i;

/** Prints every SQL execution since `sinceId` lasting at least `minMs`, with its nodes' metrics. */
export async function printSqlMetrics(ui: string, sinceId = 0, minMs = 1000): Promise<number> {
  const apps = (await (await fetch(`${ui}/api/v1/applications`)).json()) as { id: string }[];
  const url = `${ui}/api/v1/applications/${apps[0]!.id}/sql?details=true&planDescription=false&length=10000`;
  const executions = (await (await fetch(url)).json()) as UiExecution[];
  let last = sinceId;
  for (const e of executions.filter((x) => x.id > sinceId)) {
    last = Math.max(last, e.id);
    if (e.duration < minMs) continue;
    console.log(`  sql ${e.id} ${(e.duration / 1000).toFixed(1)} s ${e.description.slice(0, 80)}`);
    for (const n of e.nodes) {
      const shown = n.metrics.filter((m) => SHOWN.test(m.name));
      if (!shown.length) continue;
      const text = shown.map((m) => `${m.name}: ${m.value.replace(/\n/g, " ")}`).join("; ");
      console.log(
        `    ${String(n.nodeId).padStart(3)} ${n.nodeName.slice(0, 40).padEnd(40)} ${text.slice(0, 400)}`,
      );
    }
  }
  return last;
}
