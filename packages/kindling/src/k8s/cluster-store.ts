import { spawn } from "node:child_process";
import { KindlingError } from "../errors.js";
import { type S3Credentials, s3Credentials } from "../storage/credentials.js";

/** How to run kubectl against one cluster: the program and the arguments that pick the cluster. */
export interface Kubectl {
  command: string;
  /** e.g. `--kubeconfig <file>` (local) or `--context kind-kindling`. */
  args: string[];
}

/** The namespace, Service and Secret of the S3 store in k8s/base. */
const NAMESPACE = "kindling";
const STORE_SERVICE = "svc/s3-store";
const STORE_PORT = 8333;
const SECRET = "s3-credentials";

/** Runs kubectl and returns its stdout; a failure becomes a KindlingError with kubectl's own words. */
export function kubectlOutput(kubectl: Kubectl, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(kubectl.command, [...kubectl.args, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString();
    });
    child.on("error", (e: NodeJS.ErrnoException) =>
      reject(
        new KindlingError(
          e.code === "ENOENT"
            ? `'${kubectl.command}' is not installed or not on PATH (kubectl talks to the cluster).`
            : `could not run ${kubectl.command}: ${e.message}`,
          "environment",
        ),
      ),
    );
    child.on("exit", (code) =>
      code === 0
        ? resolve(out)
        : reject(
            new KindlingError(
              `kubectl ${args.join(" ")} failed: ${err.trim().split("\n").at(-1)?.slice(0, 300) ?? `exit ${code}`}`,
              "environment",
            ),
          ),
    );
  });
}

/** The store's key pair from the Secret `s3-credentials` (keys accessKey, secretKey) of namespace kindling. */
export async function storeCredentials(kubectl: Kubectl): Promise<S3Credentials> {
  const key = async (name: string) => {
    const b64 = await kubectlOutput(kubectl, [
      "-n",
      NAMESPACE,
      "get",
      "secret",
      SECRET,
      "-o",
      `jsonpath={.data.${name}}`,
    ]);
    return Buffer.from(b64.trim(), "base64").toString("utf8");
  };
  return s3Credentials(await key("accessKey"), await key("secretKey"), `secret ${NAMESPACE}/${SECRET}`);
}

/** A running `kubectl port-forward` to the store. */
export interface StoreForward {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  /** Ends the port-forward and waits for kubectl to exit. */
  stop(): Promise<void>;
}

/**
 * `kubectl port-forward svc/s3-store :8333` in namespace kindling (kubectl picks a free local
 * port); resolves once kubectl prints where it forwards from. Throws KindlingError `environment`
 * with kubectl's message when it exits first or says nothing within `timeoutMs`.
 */
export function forwardStore(kubectl: Kubectl, timeoutMs = 30_000): Promise<StoreForward> {
  const child = spawn(
    kubectl.command,
    [...kubectl.args, "-n", NAMESPACE, "port-forward", STORE_SERVICE, `:${STORE_PORT}`],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  return new Promise((resolve, reject) => {
    let said = "";
    const fail = (why: string) => {
      clearTimeout(timer);
      void stop();
      reject(
        new KindlingError(
          `kubectl port-forward to the S3 store (${NAMESPACE}/${STORE_SERVICE}) ${why}`,
          "environment",
        ),
      );
    };
    const timer = setTimeout(
      () => fail(`said nothing within ${timeoutMs / 1000} s: ${said.trim() || "(no output)"}`),
      timeoutMs,
    );
    const onData = (d: Buffer) => {
      said += d.toString();
      // "Forwarding from 127.0.0.1:41235 -> 8333"
      const port = said.match(/Forwarding from 127\.0\.0\.1:(\d+)/)?.[1];
      if (port) {
        clearTimeout(timer);
        resolve({ endpoint: `http://127.0.0.1:${port}`, stop });
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("error", (e) => fail(`could not start: ${e.message}`));
    child.on("exit", (code) => fail(`exited (${code}): ${said.trim().split("\n").at(-1) ?? ""}`));
  });
}
