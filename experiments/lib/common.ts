/** Shared helpers of the experiments: datasets, a cluster session, checksums, a bar chart. */
import { join } from "node:path";
import { ensureDataset, outputChecksum, startCluster } from "@kindling/kindling";
import { SparkSession } from "@kindling/spark-connect";

export const root = join(import.meta.dirname, "..", "..");

/** A generated dataset of about `size` under data/experiments-<size>, reused when present. */
export async function dataset(size: string): Promise<{ dir: string; bytes: number }> {
  const dir = join(root, "data", `experiments-${size}`);
  const { bytes } = await ensureDataset(join(dir, "raw"), size);
  return { dir, bytes };
}

/** Starts a local standalone cluster of `workers` one-core executors and a session on it. */
export async function clusterSession(name: string, workers: number, memory = "1g") {
  const cluster = await startCluster({
    name,
    workers,
    coresPerWorker: 1,
    memoryPerWorker: memory,
    driverMemory: "2g",
    conf: { "spark.sql.shuffle.partitions": String(Math.max(8, workers * 4)) },
  });
  const spark = await SparkSession.builder().remote(cluster.connectUrl).getOrCreate();
  return { cluster, spark };
}

/** Order-independent checksum of a Parquet output, as "rows:hash" (see run/checksum.ts). */
export async function checksum(spark: SparkSession, path: string): Promise<string> {
  const c = await outputChecksum(spark, path);
  return `${c.rows}:${c.hash}`;
}

/** A grouped bar chart as SVG: one group per label, one bar per series. */
export function barChartSvg(
  title: string,
  groups: string[],
  series: { name: string; values: number[] }[],
  unit: string,
): string {
  const w = 640;
  const h = 320;
  const pad = 50;
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const gw = (w - 2 * pad) / groups.length;
  const bw = (gw - 20) / series.length;
  const colors = ["#4a78b5", "#e0a030", "#2f7d4f", "#c8553d"];
  const bars = groups
    .map(
      (g, gi) =>
        series
          .map((s, si) => {
            const v = s.values[gi] ?? 0;
            const bh = ((h - 2 * pad) * v) / max;
            const x = pad + gi * gw + 10 + si * bw;
            const y = h - pad - bh;
            return `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(bw - 4).toFixed(1)}" height="${bh.toFixed(1)}" fill="${colors[si % colors.length]}"/><text x="${(x + bw / 2 - 2).toFixed(1)}" y="${(y - 4).toFixed(1)}" font-size="11" text-anchor="middle">${v.toFixed(1)}</text>`;
          })
          .join("") +
        `<text x="${(pad + gi * gw + gw / 2).toFixed(1)}" y="${h - pad + 16}" font-size="12" text-anchor="middle">${g}</text>`,
    )
    .join("");
  const legend = series
    .map(
      (s, si) =>
        `<rect x="${pad + si * 150}" y="8" width="10" height="10" fill="${colors[si % colors.length]}"/><text x="${pad + si * 150 + 14}" y="17" font-size="12">${s.name}</text>`,
    )
    .join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif"><title>${title}</title><text x="${w / 2}" y="36" text-anchor="middle" font-size="14">${title} (${unit})</text>${legend}${bars}<line x1="${pad}" y1="${h - pad}" x2="${w - pad}" y2="${h - pad}" stroke="#333"/></svg>\n`;
}
