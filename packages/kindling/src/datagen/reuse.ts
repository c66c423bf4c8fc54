import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { generate } from "./generate.js";
import { type GenerateOptions, parseSize } from "./options.js";

/**
 * Makes sure `rawDir` holds a generated dataset of about `size` (within 10% of the orders' bytes
 * recorded in its manifest), generating it only when it is missing or of another size. Returns the
 * orders' bytes and whether it generated.
 */
export async function ensureDataset(
  rawDir: string,
  size: string,
  onGenerate?: (rawDir: string) => void,
  onProgress?: GenerateOptions["onProgress"],
): Promise<{ bytes: number; generated: boolean }> {
  const manifest = join(rawDir, "manifest.json");
  const want = parseSize(size);
  const ordersBytes = () =>
    existsSync(manifest) ? ((JSON.parse(readFileSync(manifest, "utf8")).orders?.bytes as number) ?? 0) : 0;
  if (Math.abs(ordersBytes() - want) <= want * 0.1) return { bytes: ordersBytes(), generated: false };
  onGenerate?.(rawDir);
  await generate({ outDir: rawDir, size, ...(onProgress ? { onProgress } : {}) });
  return { bytes: ordersBytes(), generated: true };
}
