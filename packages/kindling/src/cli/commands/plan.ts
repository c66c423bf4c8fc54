import { simpleString } from "@kindling/spark-connect";
import type { Command } from "commander";
import { isHidden } from "../../compile/hidden.js";
import { checkSourcePaths } from "../../compile/input-paths.js";
import { compilePipeline } from "../../compile/pipeline.js";
import { loadPipeline } from "../../spec/index.js";
import { type EngineOptions, engineOptionsHelp, inputS3Client, openSession } from "../session.js";
import { collectSet } from "./shared.js";

interface PlanOptions extends EngineOptions {
  set: Record<string, string>;
  json?: boolean;
}

/**
 * `kindling plan`: compiles the pipeline and asks Spark (AnalyzePlan: no data is read) for every
 * step's schema; prints the step graph with the resolved columns.
 */
export function registerPlan(program: Command): void {
  const cmd = program
    .command("plan")
    .description("Resolve every step's schema through Spark (no data read) and print the step graph.")
    .argument("<pipeline>", "pipeline YAML file")
    .option("--set <name=value>", "set a parameter (repeatable)", collectSet, {})
    .option("--json", "print the graph as JSON");
  for (const [flag, help] of engineOptionsHelp()) cmd.option(flag, help);
  cmd.action(async (file: string, opts: PlanOptions) => {
    const loaded = await loadPipeline(file, { set: opts.set });
    await checkSourcePaths(loaded, { s3: inputS3Client(opts) }); // before Spark starts
    const spark = await openSession({ ...opts, quiet: opts.json ?? false });
    try {
      const compiled = await compilePipeline(spark, loaded.spec, undefined, loaded.graph);
      const graph: { name: string; kind: string; input?: string; columns: [string, string][] }[] = [];
      for (const name of [...compiled.sources.keys(), ...compiled.order]) {
        const node = compiled.nodes.get(name)!;
        const schema = await node.df.schema();
        graph.push({
          name,
          kind: node.kind,
          ...(node.input ? { input: node.input } : {}),
          columns: schema.fields
            .filter((f) => !isHidden(f.name))
            .map((f) => [f.name, simpleString(f.dataType)]),
        });
      }
      const sinks = compiled.sinks.map((s) => ({
        name: s.name,
        input: s.node,
        path: s.path,
        format: s.spec.format,
      }));
      if (opts.json) {
        process.stdout.write(
          `${JSON.stringify({ pipeline: loaded.spec.name, nodes: graph, sinks }, null, 2)}\n`,
        );
        return;
      }
      const lines = [`pipeline ${loaded.spec.name}`];
      for (const n of graph) {
        lines.push(
          `  ${n.kind === "source" ? "source" : `${n.kind} step`} ${n.name}${n.input ? ` ← ${n.input}` : ""}`,
        );
        for (const [c, t] of n.columns) lines.push(`      ${c}: ${t}`);
      }
      for (const s of sinks) lines.push(`  sink ${s.name} ← ${s.input}: ${s.format} → ${s.path}`);
      if (compiled.quarantinePath) lines.push(`  quarantine → ${compiled.quarantinePath}`);
      process.stdout.write(`${lines.join("\n")}\n`);
    } finally {
      await spark.stop();
    }
  });
}
