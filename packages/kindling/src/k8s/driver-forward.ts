/**
 * `kindling k8s port-forward`: Spark Connect (15002) and the Spark UI (4040) of the driver in
 * namespace kindling on local ports, kept up across driver restarts. `kubectl port-forward`
 * binds to one pod, even when given the Service, and ends with "lost connection to pod" when that
 * pod goes (the driver is replaced whenever its executor count changes): this waits for the next
 * driver pod to be Ready and forwards to it again, saying so.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { KindlingError } from "../errors.js";
import type { Kubectl } from "./cluster-store.js";
import { DRIVER_SELECTOR, isReady, NAMESPACE, podsOf } from "./pods.js";

/** The driver container's ports (k8s/base/spark-connect.yaml). */
const CONNECT_PORT = 15002;
const UI_PORT = 4040;

export interface DriverForwardOptions {
  /** Local port for Spark Connect (sc://127.0.0.1:<port>). */
  connectPort: number;
  /** Local port for the Spark UI and its REST API. */
  uiPort: number;
  /** Ends the forwarding (Ctrl-C). */
  signal: AbortSignal;
  say: (line: string) => void;
  /** How often the driver pod is looked at, ms. Default 2000. */
  pollMs?: number;
}

/** The name of the driver pod that is Ready now (not being deleted), or undefined. */
export async function readyDriverPod(kubectl: Kubectl): Promise<string | undefined> {
  return (await podsOf(kubectl, DRIVER_SELECTOR)).find(isReady)?.metadata.name;
}

/**
 * Forwards the two ports to the Ready driver pod until `signal` aborts, starting again on the next
 * driver whenever the pod goes or kubectl ends. Resolves when aborted. Throws KindlingError
 * `environment` when the cluster cannot be asked for its pods at the start (kubectl's message), or
 * when kubectl ends before it forwards anything (a local port in use, no access).
 */
export async function forwardDriver(kubectl: Kubectl, options: DriverForwardOptions): Promise<void> {
  const pollMs = options.pollMs ?? 2000;
  // A cluster that cannot be asked at all (no kubectl, not running) fails now; later errors
  // (the API server busy for a moment) are waited through.
  await readyDriverPod(kubectl);
  while (!options.signal.aborted) {
    const pod = await waitFor(
      () => readyDriverPod(kubectl),
      pollMs,
      options.signal,
      (why) => options.say(`kindling: waiting for a Ready driver pod in namespace ${NAMESPACE} (${why})…`),
    );
    if (!pod) return;
    const child = startForward(kubectl, pod, options);
    const outcome = await forwarding(child, pod, kubectl, { ...options, pollMs });
    if (outcome.kind === "aborted") return;
    if (outcome.kind === "failed")
      throw new KindlingError(
        `kubectl port-forward to pod ${pod} ended before it forwarded: ${outcome.said || "(no output)"}`,
        "environment",
      );
    options.say(
      `kindling: the driver pod ${pod} is gone (${outcome.said || "replaced"}); forwarding again once the new driver is Ready…`,
    );
  }
}

function startForward(kubectl: Kubectl, pod: string, o: DriverForwardOptions): ChildProcess {
  return spawn(
    kubectl.command,
    [
      ...kubectl.args,
      "-n",
      NAMESPACE,
      "port-forward",
      `pod/${pod}`,
      `${o.connectPort}:${CONNECT_PORT}`,
      `${o.uiPort}:${UI_PORT}`,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
}

type Outcome = { kind: "aborted" | "lost" | "failed"; said: string };

/**
 * Waits while kubectl forwards to `pod`: ends when aborted, when kubectl exits (failed if it never
 * said "Forwarding from"), or when the pod is no longer the Ready driver (kubectl is then stopped).
 */
function forwarding(
  child: ChildProcess,
  pod: string,
  kubectl: Kubectl,
  { pollMs, signal, say, connectPort, uiPort }: DriverForwardOptions & { pollMs: number },
): Promise<Outcome> {
  return new Promise((resolve) => {
    let said = "";
    let forwarded = false;
    let done = false;
    const finish = (kind: Outcome["kind"]) => {
      if (done) return;
      done = true;
      clearInterval(timer);
      signal.removeEventListener("abort", onAbort);
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      // kubectl's own last word, not its per-connection chatter.
      const last =
        said
          .trim()
          .split("\n")
          .filter((l) => l && !/^(Handling connection|Forwarding from)/.test(l))
          .at(-1) ?? "";
      resolve({ kind, said: last.slice(0, 300) });
    };
    const onAbort = () => finish("aborted");
    signal.addEventListener("abort", onAbort);
    const onData = (d: Buffer) => {
      said += d.toString();
      if (!forwarded && /Forwarding from/.test(said)) {
        forwarded = true;
        say(
          `kindling: forwarding sc://127.0.0.1:${connectPort} (Spark Connect) and http://127.0.0.1:${uiPort} (Spark UI) to the driver pod ${pod}`,
        );
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.on("error", (e) => {
      said += e.message;
      finish("failed");
    });
    child.on("exit", () => finish(forwarded ? "lost" : "failed"));
    const timer = setInterval(() => {
      void readyDriverPod(kubectl)
        .then((now) => {
          if (now !== pod) finish("lost");
        })
        .catch(() => undefined); // the API server busy for a moment: look again next time
    }, pollMs);
  });
}

/**
 * Asks `probe` every `pollMs` until it returns a value; undefined once `signal` aborts. `waiting`
 * hears why there is no value yet (none, or the probe's error), once per different reason.
 */
async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  pollMs: number,
  signal: AbortSignal,
  waiting: (why: string) => void,
): Promise<T | undefined> {
  let said = "";
  while (!signal.aborted) {
    let why = "none yet";
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (e) {
      why = (e as Error).message;
    }
    if (why !== said) {
      said = why;
      waiting(why);
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
  return undefined;
}
