import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Command, Option } from "commander";
import { KindlingError } from "../../errors.js";
import { forwardStore, type Kubectl, storeCredentials } from "../../k8s/cluster-store.js";
import { forwardDriver } from "../../k8s/driver-forward.js";
import { checkExecutorCount, scaleExecutors } from "../../k8s/scale.js";
import { CLUSTER_REPORTS, readStoredReport, type StoredReportFormat } from "../../k8s/stored-report.js";
import { s3Client } from "../../storage/objects.js";

/** Where a Kubernetes cluster for Kindling comes from. */
type Provider = "local" | "kind" | "minikube";
const PROVIDERS: readonly Provider[] = ["local", "kind", "minikube"];
/** The cluster (kind) or profile (minikube) name used with those tools. */
const CLUSTER_NAME = "kindling";

interface ProviderOptions {
  provider: Provider;
}

const REPORT_FORMATS: readonly StoredReportFormat[] = ["md", "json", "html"];
interface ReportOptions extends ProviderOptions {
  format: string;
  from: string;
}

/**
 * Adds `kindling k8s up|deploy|status|down`: a Kubernetes cluster to run Kindling's manifests on. By
 * default a single-node cluster built from upstream sources on this machine (infra/k8s/*.sh, needs
 * root); with `--provider kind|minikube` the same commands drive those tools instead.
 */
export function registerK8s(program: Command): void {
  const k8s = program
    .command("k8s")
    .description(
      "A Kubernetes cluster for Kindling: local single-node built from upstream sources (default), or kind/minikube.",
    );
  const provider = () =>
    new Option("--provider <name>", "local (built here from upstream sources), kind or minikube")
      .choices(PROVIDERS)
      .default("local");

  k8s
    .command("up")
    .description(
      "Build (first time) and start the cluster; idempotent. Prints progress and how to use kubectl with it.",
    )
    .addOption(provider())
    .option(
      "--install-prereqs",
      "local: install the missing Debian packages first (apt-get, as root); without it, all missing ones are named at once",
    )
    .action(async (opts: ProviderOptions & { installPrereqs?: boolean }) => {
      if (opts.provider === "local")
        return runScript("up.sh", opts.installPrereqs ? ["--install-prereqs"] : []);
      if (opts.provider === "kind")
        return runTool("kind", ["create", "cluster", "--name", CLUSTER_NAME, "--wait", "120s"]);
      return runTool("minikube", ["start", "--profile", CLUSTER_NAME, "--cpus", "4", "--memory", "8g"]);
    });

  k8s
    .command("deploy")
    .description(
      "Build the images, put them into the node(s) (local: containerd import; kind: kind load image-archive), apply k8s/overlays/<provider>, wait for the driver and its executor pods.",
    )
    .addOption(provider())
    .action(async (opts: ProviderOptions) => {
      if (opts.provider === "local") return runScript("deploy.sh");
      if (opts.provider === "kind")
        // kind needs no root: its node is a container of the user's docker.
        return run("bash", [join(infraDir(), "deploy.sh"), "--provider", "kind"], "infra/k8s/deploy.sh");
      throw new KindlingError(
        "deploy --provider minikube is not automated: build the images, `minikube -p kindling image load <tar>` each, and apply k8s/overlays/kind (see infra/README.md).",
        "usage",
      );
    });

  k8s
    .command("status")
    .description("Show the cluster's processes (local), node and pods. Exit 1 when it is not running.")
    .addOption(provider())
    .action(async (opts: ProviderOptions) => {
      // A stopped cluster is an answer, not a failure of the command: the script says so plainly.
      if (opts.provider === "local") return runScript("status.sh", [], { quietExit: 1 });
      const context = opts.provider === "kind" ? `kind-${CLUSTER_NAME}` : CLUSTER_NAME;
      return runTool("kubectl", ["--context", context, "get", "nodes,pods", "-A", "-o", "wide"]);
    });

  k8s
    .command("env")
    .description(
      'Print the lines that point kubectl at the local cluster: eval "$(kindling k8s env)" (its kubectl first on PATH).',
    )
    .action(async () => run("bash", [join(infraDir(), "env.sh")], "infra/k8s/env.sh", { quietExit: 1 }));

  k8s
    .command("kubectl")
    .description(
      "Run the local cluster's kubectl with its admin credentials: kindling k8s kubectl get pods -A",
    )
    .argument("[args...]", "kubectl's arguments (options included: -A, -o wide, ...)")
    .helpOption(false)
    .allowUnknownOption()
    // Everything after `kubectl` is kubectl's, options included (cmd.args keeps them in order).
    .action(async (_args: string[], _opts: unknown, cmd: Command) => runKubectl(cmd.args));

  k8s
    .command("scale")
    .description(
      "Change the executor count of the running deployment: writes spark.executor.instances into k8s/overlays/<provider>/executors.properties, applies the overlay (the driver restarts) and waits for the new driver and N executor pods.",
    )
    .requiredOption("--executors <n>", "executor pods (1-64)")
    .option("--timeout <seconds>", "how long to wait for the driver and its executor pods", "600")
    .addOption(provider())
    .action(async (opts: ScaleCommandOptions) => scaleCommand(opts));

  k8s
    .command("port-forward")
    .description(
      "Forward Spark Connect and the Spark UI of the driver to local ports, again after every driver restart (kubectl port-forward ends with the pod). Ctrl-C stops.",
    )
    .option("--connect-port <port>", "local port for Spark Connect", "15002")
    .option("--ui-port <port>", "local port for the Spark UI", "4040")
    .addOption(provider())
    .action(async (opts: PortForwardOptions) => portForwardCommand(opts));

  k8s
    .command("report")
    .description(
      "Print a run's report from the cluster's S3 store (the pipeline Job writes it there): the latest run, or the run id given.",
    )
    .argument("[run]", "run id (as in the report's runId; default: the latest run)")
    .option("--format <format>", `${REPORT_FORMATS.join(", ")}`, "md")
    .option("--from <s3-uri>", "where the reports are (the pipeline's report path)", CLUSTER_REPORTS)
    .addOption(provider())
    .action(async (run: string | undefined, opts: ReportOptions) => printClusterReport(run, opts));

  k8s
    .command("down")
    .description(
      "Stop the cluster. Local: no process, mount, netns, interface or iptables rule is left behind.",
    )
    .addOption(provider())
    .option("--purge", "local: also delete credentials, etcd data and loaded images (binaries stay)")
    .action(async (opts: ProviderOptions & { purge?: boolean }) => {
      if (opts.provider === "local") return runScript("down.sh", opts.purge ? ["--purge"] : []);
      if (opts.provider === "kind") return runTool("kind", ["delete", "cluster", "--name", CLUSTER_NAME]);
      return runTool("minikube", ["delete", "--profile", CLUSTER_NAME]);
    });
}

/** The repository's infra/k8s folder (the CLI runs from source inside the repository or image). */
function infraDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, "infra", "k8s", "up.sh");
    if (existsSync(candidate)) return dirname(candidate);
    const parent = dirname(dir);
    if (parent === dir)
      throw new KindlingError(
        "infra/k8s/ was not found: `kindling k8s` runs from a checkout of the Kindling repository.",
      );
    dir = parent;
  }
}

function runScript(script: string, args: string[] = [], options: RunOptions = {}): Promise<void> {
  if (process.getuid?.() !== 0)
    throw new KindlingError(
      "the local cluster needs root (containerd, kubelet, iptables): run as root, or use --provider kind|minikube.",
      "environment",
    );
  return run("bash", [join(infraDir(), script), ...args], `infra/k8s/${script}`, options);
}

/** The local cluster's kubectl with its admin kubeconfig (paths from `infra/k8s/env.sh`). */
async function localKubectl(): Promise<Kubectl> {
  const env = await capture("bash", [join(infraDir(), "env.sh")]);
  const value = (name: string) =>
    env.match(new RegExp(`^export ${name}=(.*)$`, "m"))?.[1]?.replace(/^'|'$/g, "");
  const kubeconfig = value("KUBECONFIG");
  const bin = value("PATH")?.replace(/:"\$PATH"$/, "");
  if (!kubeconfig || !bin) throw new KindlingError("infra/k8s/env.sh printed no KUBECONFIG/PATH.");
  return { command: join(bin, "kubectl"), args: ["--kubeconfig", kubeconfig] };
}

/** kubectl for a provider's cluster: the local one's own, or the user's kubectl with the context kind/minikube create. */
async function kubectlFor(provider: Provider): Promise<Kubectl> {
  if (provider === "local") return localKubectl();
  return {
    command: "kubectl",
    args: ["--context", provider === "kind" ? `kind-${CLUSTER_NAME}` : CLUSTER_NAME],
  };
}

async function runKubectl(args: string[]): Promise<void> {
  const kubectl = await localKubectl();
  return run(kubectl.command, [...kubectl.args, ...args], "kubectl");
}

/**
 * Prints a run's report (default: the latest) from the cluster's S3 store: the store's key pair from
 * its Secret, a port-forward to its Service, then the object `writeReports()` left there.
 */
async function printClusterReport(run: string | undefined, opts: ReportOptions): Promise<void> {
  if (!REPORT_FORMATS.includes(opts.format as StoredReportFormat))
    throw new KindlingError(
      `--format must be one of ${REPORT_FORMATS.join(", ")} (got '${opts.format}').`,
      "usage",
    );
  const kubectl = await kubectlFor(opts.provider);
  const credentials = await storeCredentials(kubectl);
  const forward = await forwardStore(kubectl);
  const client = s3Client(forward.endpoint, credentials, { maxAttempts: 2 });
  try {
    const text = await readStoredReport(client, opts.from, opts.format as StoredReportFormat, run);
    process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
  } finally {
    client.destroy();
    await forward.stop();
  }
}

interface ScaleCommandOptions extends ProviderOptions {
  executors: string;
  timeout: string;
}

/** `kindling k8s scale --executors N` (k8s/scale.ts), with the time it took on stdout. */
async function scaleCommand(opts: ScaleCommandOptions): Promise<void> {
  if (opts.provider === "minikube")
    throw new KindlingError(
      "scale --provider minikube is not automated: edit k8s/overlays/kind/executors.properties and apply it (see infra/README.md).",
      "usage",
    );
  const executors = Number(opts.executors);
  checkExecutorCount(executors); // before anything touches the cluster or the overlay
  const timeoutSeconds = Number(opts.timeout);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0)
    throw new KindlingError(
      `--timeout must be a number of seconds above 0 (got '${opts.timeout}').`,
      "usage",
    );
  const outcome = await scaleExecutors(await kubectlFor(opts.provider), {
    overlay: join(dirname(dirname(infraDir())), "k8s", "overlays", opts.provider),
    executors,
    timeoutSeconds,
    say: (l) => process.stderr.write(`kindling: ${l}\n`),
  });
  process.stdout.write(
    `scaled ${outcome.from ?? "?"} -> ${outcome.to} executors in ${outcome.seconds} s (driver ${outcome.driver} Ready after ${outcome.driverReadySeconds} s)\n`,
  );
}

interface PortForwardOptions extends ProviderOptions {
  connectPort: string;
  uiPort: string;
}

/** `kindling k8s port-forward` (k8s/driver-forward.ts) until Ctrl-C or SIGTERM. */
async function portForwardCommand(opts: PortForwardOptions): Promise<void> {
  const port = (flag: string, v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > 65535)
      throw new KindlingError(`${flag} must be a port number (got '${v}').`, "usage");
    return n;
  };
  const connectPort = port("--connect-port", opts.connectPort);
  const uiPort = port("--ui-port", opts.uiPort);
  const ac = new AbortController();
  const stop = () => ac.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  try {
    await forwardDriver(await kubectlFor(opts.provider), {
      connectPort,
      uiPort,
      signal: ac.signal,
      say: (l) => process.stderr.write(`${l}\n`),
    });
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
}

/** Runs a command and returns its stdout; its stderr passes through. Throws like {@link run}. */
function capture(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.on("error", (err) => reject(new KindlingError(`could not run ${command}: ${err.message}`)));
    child.on("exit", (code) =>
      code === 0
        ? resolve(out)
        : reject(new KindlingError(`${args.at(-1)} failed (exit ${code}).`, "environment")),
    );
  });
}

function runTool(tool: string, args: string[]): Promise<void> {
  return run(tool, args, tool);
}

interface RunOptions {
  /** An exit code that is an answer the command printed itself: set as the exit code, no error. */
  quietExit?: number;
}

/** Runs a command with the terminal attached; resolves on exit 0, throws a KindlingError otherwise. */
function run(command: string, args: string[], label: string, options: RunOptions = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: "inherit" });
    child.on("error", (err: NodeJS.ErrnoException) =>
      reject(
        new KindlingError(
          err.code === "ENOENT"
            ? `'${command}' is not installed or not on PATH (needed for this provider).`
            : `could not run ${label}: ${err.message}`,
        ),
      ),
    );
    child.on("exit", (code, signal) => {
      if (code === 0) resolve();
      else if (code !== null && code === options.quietExit) {
        process.exitCode = code;
        resolve();
      } else
        reject(new KindlingError(`${label} failed (${signal ?? `exit ${code}`}); see its output above.`));
    });
  });
}
