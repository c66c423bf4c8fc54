/**
 * `kindling metrics up` as a user runs it: a real Prometheus and Pushgateway in the foreground,
 * their URLs on stdout, both gone after Ctrl-C; a cluster that is not running is a usage error.
 */
import { expect, it } from "vitest";
import { scaled, waitFor } from "../../../spark-connect/test/support/timeouts.js";
import { kindling, startKindling } from "../support/cli.js";
import { describeWith } from "../support/needs.js";

const LIMIT = { timeoutMs: scaled(60_000) };

describeWith("metrics", "kindling metrics up", {}, () => {
  it(
    "serves Prometheus (scraping its Pushgateway) and the web dashboard until SIGINT, then stops all three",
    async () => {
      const cli = startKindling([
        "metrics",
        "up",
        "--prometheus-port",
        "0",
        "--pushgateway-port",
        "0",
        "--dashboard-port",
        "0",
      ]);
      await cli.waitForOutput("Ctrl-C", scaled(60_000));
      const out = cli.stdout();
      const prometheus = out.match(/^Prometheus\s+(\S+)/m)![1]!;
      const pushgateway = out.match(/^Pushgateway\s+(\S+)/m)![1]!;
      const dashboard = out.match(/^Dashboard\s+(\S+)/m)![1]!;

      // Prometheus scrapes the Pushgateway: wait for that target to be up.
      const health = await waitFor(
        "Prometheus's pushgateway target to be up",
        async () => {
          const r = (await (await fetch(`${prometheus}/api/v1/targets`)).json()) as {
            data: { activeTargets: { labels: { job: string }; health: string }[] };
          };
          const h = r.data.activeTargets.find((t) => t.labels.job === "pushgateway")?.health;
          return h === "up" ? h : undefined;
        },
        { everyMs: 500 },
      );
      expect(health).toBe("up");
      expect((await fetch(`${pushgateway}/-/ready`)).ok).toBe(true);
      // The dashboard proxies that Prometheus: its own targets come back through it.
      const viaDashboard = (await (
        await fetch(`${dashboard}/api/v1/query`, {
          method: "POST",
          body: new URLSearchParams({ query: "up" }),
        })
      ).json()) as { status: string; data: { result: { metric: { job: string } }[] } };
      expect(viaDashboard.status).toBe("success");
      expect(viaDashboard.data.result.map((r) => r.metric.job)).toContain("pushgateway");

      cli.child.kill("SIGINT");
      expect((await cli.finished).code).toBe(0);
      for (const url of [prometheus, pushgateway])
        await expect(fetch(`${url}/-/ready`), url).rejects.toThrow();
      await expect(fetch(`${dashboard}/-/healthy`), dashboard).rejects.toThrow();
    },
    scaled(90_000),
  );

  it("`metrics check` without a Prometheus says how to start one (exit 2)", async () => {
    const r = await kindling(["metrics", "check", "--prometheus", "http://127.0.0.1:9"], LIMIT);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("kindling metrics up");
  });

  it("refuses a cluster that is not running, saying how to start it (exit 2)", async () => {
    const r = await kindling(["metrics", "up", "--cluster", `no-such-${process.pid}`], LIMIT);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`cluster 'no-such-${process.pid}' is not running`);
    expect(r.stderr).toContain("kindling cluster up");
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});
