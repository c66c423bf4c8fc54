/**
 * Kindling beside PySpark's own Connect client (pyspark-client at the pinned Spark version), on
 * the same Spark Connect server in the same run. Each case alternates the two clients run by run
 * (K,P then P,K …) so drifting machine load hits both alike; the report gives both medians and
 * the ratio Kindling/PySpark. PySpark runs in bench/pyspark/cases.py, a long-lived worker that
 * times its own calls and answers over a pipe.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { createInterface, type Interface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { CaseResult, Measure } from "./client.js";
import { median } from "./stats.js";

const here = dirname(fileURLToPath(import.meta.url));

/** Where the PySpark side runs: the venv's python and the client package it holds. */
export interface PySparkEnv {
  python: string;
  client: string;
}

/**
 * Runs bench/pyspark/setup.sh (creates the private venv on first use). Returns the environment,
 * or undefined with the reason printed when it cannot be made (no python3, PyPI unreachable…).
 */
export function ensurePySpark(): PySparkEnv | undefined {
  const r = spawnSync("bash", [join(here, "pyspark", "setup.sh")], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  const python = r.stdout?.trim().split("\n").pop();
  if (r.status !== 0 || !python || !existsSync(python)) {
    console.log("PySpark comparison skipped: bench/pyspark/setup.sh failed");
    return undefined;
  }
  const marker = join(dirname(dirname(python)), ".kindling-client");
  const client = existsSync(marker) ? readFileSync(marker, "utf8").trim() : "pyspark";
  return { python, client };
}

/** The PySpark worker process (bench/pyspark/cases.py), owned by whoever started it. */
export class PySparkWorker {
  private readonly proc: ChildProcess;
  private readonly lines: Interface;
  private readonly pending: ((line: string) => void)[] = [];
  private exited = false;

  private constructor(python: string, url: string) {
    this.proc = spawn(python, [join(here, "pyspark", "cases.py"), url], {
      stdio: ["pipe", "pipe", "inherit"],
      env: { ...process.env, PYTHONUNBUFFERED: "1" },
    });
    this.lines = createInterface({ input: this.proc.stdout! });
    this.lines.on("line", (l) => this.pending.shift()?.(l));
    this.proc.on("exit", () => {
      this.exited = true;
      for (const p of this.pending.splice(0)) p(JSON.stringify({ ok: false, error: "worker exited" }));
    });
  }

  /** Starts the worker against `url` (sc://…) and checks it answers. Throws if it does not. */
  static async start(python: string, url: string): Promise<PySparkWorker> {
    const w = new PySparkWorker(python, url);
    try {
      await w.call({ op: "info" });
    } catch (e) {
      await w.stop();
      throw e;
    }
    return w;
  }

  /** Sends one command; resolves to its answer. Throws with PySpark's error text on failure. */
  async call(
    cmd: Record<string, unknown>,
  ): Promise<{ ms: number; extra?: Record<string, number | string> } & Record<string, unknown>> {
    if (this.exited) throw new Error("PySpark worker has exited");
    const line = await new Promise<string>((resolve) => {
      this.pending.push(resolve);
      this.proc.stdin!.write(`${JSON.stringify(cmd)}\n`);
    });
    const a = JSON.parse(line) as { ok: boolean; error?: string; ms: number };
    if (!a.ok) throw new Error(`PySpark ${String(cmd.op)}: ${a.error}`);
    return a as { ms: number } & Record<string, unknown>;
  }

  /** Asks the worker to quit, then kills it if it has not gone within 10 s. Idempotent. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((r) => this.proc.once("exit", () => r()));
    this.proc.stdin!.end(`${JSON.stringify({ op: "quit" })}\n`);
    const timer = setTimeout(() => this.proc.kill("SIGKILL"), 10_000);
    await gone;
    clearTimeout(timer);
  }
}

/** A case measured for both clients: the Kindling call and the equivalent worker command. */
export interface PairedCase {
  name: string;
  /** Key for targets and the chart (e.g. "select1"). */
  key: string;
  runs: number;
  warmup: number;
  kindling: () => Promise<Measure>;
  pyspark?: Record<string, unknown>;
  /** Ratio Kindling/PySpark the issue asks for (at most). */
  target?: number;
}

/** The result of a paired case: CaseResult for Kindling plus PySpark's runs, median and the ratio. */
export interface ComparedResult extends CaseResult {
  key: string;
  pyspark?: { runs: number[]; median: number; extra?: Record<string, unknown> };
  ratio?: number;
  /**
   * Median over rounds of Kindling's time / PySpark's time in the same round: the two runs of a
   * round are back to back, so a change of machine load between rounds cancels out.
   */
  pairedRatio?: number;
  target?: number;
}

/**
 * Runs each case `warmup` + `runs` times per client, alternating which client goes first, and
 * calls `log` after each case. A PySpark failure is reported and leaves the case Kindling-only.
 */
export async function runPaired(
  cases: PairedCase[],
  worker: PySparkWorker | undefined,
  log: (r: ComparedResult) => void,
): Promise<ComparedResult[]> {
  const out: ComparedResult[] = [];
  for (const c of cases) {
    const k: Measure[] = [];
    const p: { ms: number; extra?: Record<string, unknown> }[] = [];
    let pysparkError: string | undefined;
    const py = async (keep: boolean) => {
      if (!worker || !c.pyspark || pysparkError) return;
      try {
        const a = await worker.call(c.pyspark);
        if (keep) p.push(a);
      } catch (e) {
        pysparkError = (e as Error).message;
        console.log(`  ${c.name}: ${pysparkError}`);
      }
    };
    const kin = async (keep: boolean) => {
      const m = await c.kindling();
      if (keep) k.push(m);
    };
    for (let i = 0; i < c.warmup + c.runs; i++) {
      const keep = i >= c.warmup;
      if (i % 2 === 0) {
        await kin(keep);
        await py(keep);
      } else {
        await py(keep);
        await kin(keep);
      }
    }
    const km = median(k.map((m) => m.ms));
    const r: ComparedResult = {
      key: c.key,
      name: c.name,
      unit: "ms",
      runs: k.map((m) => m.ms),
      median: km,
      ...(k.at(-1)?.extra ? { extra: medianExtra(k) } : {}),
      ...(c.target !== undefined ? { target: c.target } : {}),
    };
    if (p.length > 0) {
      const pm = median(p.map((m) => m.ms));
      r.pyspark = {
        runs: p.map((m) => m.ms),
        median: pm,
        ...(p.at(-1)?.extra ? { extra: medianExtra(p) } : {}),
      };
      r.ratio = km / pm;
      if (p.length === k.length) r.pairedRatio = median(k.map((m, i) => m.ms / p[i]!.ms));
    }
    log(r);
    out.push(r);
  }
  return out;
}

/** The last run's extra values, with each number replaced by its median over all runs. */
function medianExtra(runs: { extra?: Record<string, unknown> }[]): Record<string, number | string> {
  const out = { ...runs.at(-1)?.extra } as Record<string, number | string>;
  for (const [key, v] of Object.entries(out)) {
    if (typeof v !== "number") continue;
    out[key] = median(runs.map((m) => m.extra?.[key]).filter((x): x is number => typeof x === "number"));
  }
  return out;
}
