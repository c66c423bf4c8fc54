/** Local paths of outputs: `file://` URLs to paths, and the size of an output folder. */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** A local output path without its `file://` scheme. */
export function localOf(p: string): string {
  return p.startsWith("file://") ? p.slice("file://".length) : p;
}

/** Number of data files and total bytes under an output folder. */
export function outputStats(path: string): { files: number; bytes: number } {
  const root = localOf(path);
  let files = 0;
  let bytes = 0;
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (!e.startsWith(".") && !e.startsWith("_")) {
        files++;
        bytes += st.size;
      }
    }
  };
  if (!existsSync(root)) return { files, bytes };
  const st = statSync(root);
  if (st.isFile()) return { files: 1, bytes: st.size };
  walk(root);
  return { files, bytes };
}
