/**
 * Builds the web dashboard's browser assets (packages/kindling/web/*.ts and its CSS, with uPlot)
 * with esbuild, in memory, when the server starts: no build output is committed, and a fresh
 * checkout serves the page after `npm install`. Takes well under a second.
 */
import { join } from "node:path";
import { build } from "esbuild";
import { KindlingError } from "../errors.js";

/** Folder of the browser sources. */
export const WEB_DIR = join(import.meta.dirname, "..", "..", "web");

export interface Asset {
  contentType: string;
  body: Uint8Array;
}

/**
 * Bundles `web/main.ts` (ES2020, minified) into `app.js` and `app.css`. Returns them by file name.
 * Throws KindlingError with esbuild's first error (file:line) when the sources do not build.
 */
export async function buildAssets(): Promise<Map<string, Asset>> {
  try {
    const out = await build({
      entryPoints: [join(WEB_DIR, "main.ts")],
      bundle: true,
      format: "esm",
      target: "es2020",
      minify: true,
      write: false,
      outdir: "/assets",
      entryNames: "app",
      logLevel: "silent",
    });
    const assets = new Map<string, Asset>();
    for (const f of out.outputFiles) {
      const name = f.path.slice(f.path.lastIndexOf("/") + 1);
      const type = name.endsWith(".css") ? "text/css" : "text/javascript";
      assets.set(name, { contentType: `${type}; charset=utf-8`, body: f.contents });
    }
    return assets;
  } catch (err) {
    const first = (err as { errors?: { text: string; location?: { file: string; line: number } }[] })
      .errors?.[0];
    const where = first?.location ? `${first.location.file}:${first.location.line}: ` : "";
    throw new KindlingError(
      `the web dashboard's assets did not build: ${where}${first?.text ?? (err as Error).message}`,
    );
  }
}
