/**
 * Everything `npm test` needs beyond Node.js, Java 17 and Maven, as setup steps, in order. Where
 * each comes from, and why:
 *
 * - Spark's jars (+ the s3 profile's hadoop-aws) and the JMX exporter agent: Maven Central, as
 *   `npm start` already does, into `<cache>/spark-<version>` and `<cache>/jmx`.
 * - SeaweedFS, MinIO, etcd, kube-apiserver, kubectl, kubeconform: built from the Go module proxy
 *   by the infra scripts into `<cache>/bin/<store>-<version>` and `<cache>/k8s/<version>/bin`.
 * - The spark-operator CRDs, pyarrow and deltalake (the non-Spark readers tests compare with): PyPI,
 *   each in a venv under the cache keyed by version.
 * - Prometheus, the Pushgateway, Chromium, unzip, python3-venv, iproute2, iptables, openssl,
 *   curl: Debian packages, installed with apt-get only when running as root (the system's package
 *   manager is the one source that keeps Chromium's many shared libraries consistent); otherwise
 *   the step says which command to run once.
 *
 * No import of the protocol client: this runs before `npm run generate` has made it.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { cacheRoot, ensureSpark, isSparkProvisioned, pinnedVersions } from "@kindling/spark-connect/local";
import { namespacesUnavailable } from "../cluster/netns.js";
import { ensureJmxAgent, JMX_EXPORTER_VERSION, jmxAgentJar } from "../metrics/jmx.js";
import { readStorageVersions, type S3StoreKind, storeBinary } from "../storage/versions.js";
import type { Presence, SetupStep } from "./step.js";
import { aptCommand, aptInstall, commandVersion, isExecutable, isRoot, runStreaming } from "./system.js";

/** The checkout's root (src/setup → src → kindling → packages → root): the infra scripts live there. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..");

const present = (detail: string): Presence => ({ present: true, detail });
const missing = (reason: string): Presence => ({ present: false, reason });
const script =
  (path: string, ...args: string[]) =>
  (say: (l: string) => void) =>
    runStreaming("bash", [join(repoRoot, path), ...args], say, { cwd: repoRoot });

/** The Chromium the browser tests drive (`CHROMIUM_PATH`, default Debian's `/usr/bin/chromium`). */
export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
}

/** A step satisfied by Debian packages whose commands answer `probe`; apt-get installs them as root. */
function debianStep(
  name: string,
  needs: SetupStep["needs"],
  packages: string[],
  probe: () => string | undefined,
): SetupStep {
  return {
    name,
    needs,
    check: () => {
      const found = probe();
      return found ? present(found) : missing(`not installed (Debian: ${packages.join(", ")})`);
    },
    install: isRoot() ? (say) => aptInstall(packages, say) : undefined,
    fix: aptCommand(packages),
  };
}

function sparkStep(): SetupStep {
  const stamp = join(repoRoot, "packages", "spark-connect", "src", "gen", ".spark-version");
  return {
    name: "Spark + protocol code",
    needs: [],
    check: () => {
      const version = pinnedVersions().spark;
      if (!isSparkProvisioned()) return missing(`Spark ${version} is not in ${cacheRoot()}`);
      const generated = existsSync(stamp) ? readFileSync(stamp, "utf8").trim() : "";
      if (generated !== version) return missing(`the protocol code is not generated for Spark ${version}`);
      return present(`Spark ${version} jars in the cache, protocol code generated`);
    },
    install: (say) => runStreaming("npm", ["run", "generate"], say, { cwd: repoRoot }),
    fix: "npm run generate",
  };
}

function sparkS3Step(): SetupStep {
  return {
    name: "Spark's s3a connector (hadoop-aws, slim AWS SDK)",
    needs: ["s3"],
    check: () =>
      isSparkProvisioned(["s3"]) ? present("the s3 profile's jars are in the cache") : missing("not fetched"),
    install: async (say) => {
      await ensureSpark({ profiles: ["s3"], onProgress: say });
    },
    fix: "npm run test:setup (Maven fetches the s3 profile of spark/pom.xml)",
  };
}

function storeStep(kind: S3StoreKind): SetupStep {
  const binary = storeBinary(kind);
  return {
    name: kind === "seaweedfs" ? "S3 store (SeaweedFS)" : "MinIO",
    needs: [kind === "seaweedfs" ? "s3" : "minio"],
    check: () =>
      existsSync(binary.path)
        ? present(`${binary.version}: ${binary.path}`)
        : missing(
            `${binary.version} is not built (Go build from the module proxy, ${kind === "minio" ? "~7" : "~4"} min once)`,
          ),
    install: script("infra/storage/build.sh", ...(kind === "minio" ? ["--minio"] : [])),
    fix: `bash ${binary.buildCommand} (needs Go 1.26)`,
  };
}

function prometheusStep(): SetupStep {
  return {
    ...debianStep("Prometheus + Pushgateway", ["metrics"], ["prometheus", "prometheus-pushgateway"], () => {
      const prom = commandVersion("prometheus");
      const push = commandVersion("prometheus-pushgateway");
      return prom && push ? `${prom}; ${push}` : undefined;
    }),
    // The script also keeps the packages' own services from starting (Kindling runs its own).
    install: isRoot() ? script("infra/observability/install.sh") : undefined,
    fix: `${isRoot() ? "" : "sudo "}bash infra/observability/install.sh`,
  };
}

function jmxStep(): SetupStep {
  return {
    name: "JMX exporter agent",
    needs: ["metrics"],
    check: () =>
      existsSync(jmxAgentJar()) ? present(jmxAgentJar()) : missing(`${JMX_EXPORTER_VERSION} not fetched`),
    install: async (say) => {
      await ensureJmxAgent({ onProgress: say });
    },
    fix: "npm run test:setup (Maven fetches io.prometheus.jmx:jmx_prometheus_javaagent)",
  };
}

function netnsStep(): SetupStep {
  const packages = ["iproute2", "iptables"];
  return {
    name: "worker network namespaces (root, iproute2, iptables)",
    needs: ["netns"],
    check: () => {
      const why = namespacesUnavailable();
      return why ? missing(why) : present("root; 'ip netns add' works");
    },
    install: isRoot() ? (say) => aptInstall(packages, say) : undefined,
    fix: isRoot()
      ? `${aptCommand(packages)}; where 'ip netns add' is not permitted (a container), opt out: KINDLING_TEST_SKIP=netns`
      : "run the tests as root (sudo npm test), or opt out: KINDLING_TEST_SKIP=netns npm test",
  };
}

/** etcd, kube-apiserver, kubectl and kubeconform at their pinned versions (infra/k8s/versions.env). */
function k8sToolsStep(): SetupStep {
  const versions = readStorageVersions(join(repoRoot, "infra", "k8s", "versions.env"));
  const want: Record<string, string | undefined> = {
    etcd: versions.ETCD_VERSION,
    "kube-apiserver": versions.K8S_VERSION,
    kubectl: versions.K8S_VERSION,
    kubeconform: versions.KUBECONFORM_VERSION,
  };
  const bin = join(cacheRoot(), "k8s", versions.K8S_VERSION ?? "unknown", "bin");
  const components = Object.keys(want);
  return {
    name: "Kubernetes validation tools (etcd, kube-apiserver, kubectl, kubeconform)",
    needs: ["k8s"],
    check: () => {
      const stale = components.filter((c) => {
        const built = join(bin, ".versions", c);
        return (
          !existsSync(join(bin, c)) || !existsSync(built) || readFileSync(built, "utf8").trim() !== want[c]
        );
      });
      return stale.length
        ? missing(`${stale.join(", ")} not built at the pinned versions (Go builds, ~10-12 min once)`)
        : present(`Kubernetes ${versions.K8S_VERSION}: ${bin}`);
    },
    install: script("infra/k8s/build.sh", ...components),
    fix: `bash infra/k8s/build.sh ${components.join(" ")} (needs Go 1.26)`,
  };
}

/** The spark-operator CRDs made from PyPI's kubeflow-spark-api (infra/k8s/spark-operator-crds.sh). */
function sparkOperatorCrdsStep(): SetupStep {
  const versions = readStorageVersions(join(repoRoot, "infra", "k8s", "versions.env"));
  const made = join(repoRoot, "infra", "k8s", "spark-operator-crds.py");
  const sum = createHash("sha256").update(readFileSync(made)).digest("hex").slice(0, 16);
  // The script's cache ignores XDG_CACHE_HOME; so does this check.
  const cache = process.env.KINDLING_CACHE ?? join(process.env.HOME ?? "", ".cache", "kindling");
  const crds = join(cache, "spark-operator-crds", versions.SPARK_OPERATOR_API_VERSION ?? "unknown", "crds");
  return {
    name: "spark-operator CRDs (PyPI kubeflow-spark-api)",
    needs: ["k8s"],
    check: () => (existsSync(join(crds, `.ready-${sum}`)) ? present(crds) : missing("not made yet")),
    install: script("infra/k8s/spark-operator-crds.sh"),
    fix: "bash infra/k8s/spark-operator-crds.sh",
  };
}

/**
 * A Python reader that is not Spark, in a venv of its own keyed by version (PyPI): pyarrow reads
 * Parquet outputs back (infra/python/pyarrow.sh), deltalake (delta-rs) reads Delta tables
 * (infra/delta/reader.sh). Each script prints its python on `--print`.
 */
function pythonReaderStep(name: string, scriptPath: string, probe: string): SetupStep {
  return {
    name,
    needs: [],
    check: () => {
      const python = spawnSync("bash", [join(repoRoot, scriptPath), "--print"], {
        encoding: "utf8",
      }).stdout.trim();
      const ok = python && spawnSync(python, ["-c", `import ${probe}`]).status === 0;
      return ok ? present(python) : missing("not installed yet (pip from PyPI, ~1-3 min once)");
    },
    install: script(scriptPath),
    fix: `bash ${scriptPath}`,
  };
}

/**
 * TypeDoc for the API reference check (tools/api-docs: its own package, as TypeDoc needs the
 * TypeScript 5/6 compiler API while the workspaces use 7, so the root `npm ci` does not install it).
 * Present when the installed typedoc and typescript are the versions its package.json pins.
 */
function apiDocsStep(): SetupStep {
  const dir = join(repoRoot, "tools", "api-docs");
  const installed = (pkg: string) => {
    const file = join(dir, "node_modules", pkg, "package.json");
    return existsSync(file)
      ? (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version
      : undefined;
  };
  return {
    name: "TypeDoc (the API reference check, tools/api-docs)",
    needs: [],
    check: () => {
      const pinned = (
        JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
          dependencies: Record<string, string>;
        }
      ).dependencies;
      const stale = Object.entries(pinned).filter(([pkg, version]) => installed(pkg) !== version);
      return stale.length
        ? missing(`${stale.map(([p, v]) => `${p}@${v}`).join(", ")} not installed in tools/api-docs`)
        : present(
            Object.entries(pinned)
              .map(([p, v]) => `${p} ${v}`)
              .join(", "),
          );
    },
    install: script("tools/api-docs/build.sh", "--install"),
    fix: "bash tools/api-docs/build.sh --install",
  };
}

/** The setup steps of `npm test`, in the order they run. */
export function testSetupSteps(): SetupStep[] {
  return [
    debianStep("unzip (takes the .proto files out of the Spark jar)", [], ["unzip"], () =>
      commandVersion("unzip", ["-v"]),
    ),
    sparkStep(),
    apiDocsStep(),
    sparkS3Step(),
    storeStep("seaweedfs"),
    storeStep("minio"),
    prometheusStep(),
    jmxStep(),
    // An executable file, not `chromium --version`: that starts the browser (1.4 s at load 40), on every check.
    debianStep("Chromium", ["browser"], ["chromium"], () =>
      isExecutable(chromiumPath()) ? chromiumPath() : undefined,
    ),
    netnsStep(),
    debianStep("python3-venv, openssl, curl", [], ["python3-venv", "openssl", "curl"], () =>
      commandVersion("python3", ["-c", "import ensurepip; print('python3 venv ok')"]) &&
      commandVersion("openssl", ["version"]) &&
      commandVersion("curl", ["--version"])
        ? "python3 venv, openssl, curl"
        : undefined,
    ),
    pythonReaderStep(
      "pyarrow (reads Parquet outputs back without Spark)",
      "infra/python/pyarrow.sh",
      "pyarrow",
    ),
    pythonReaderStep(
      "deltalake (reads Delta tables back without Spark)",
      "infra/delta/reader.sh",
      "deltalake",
    ),
    k8sToolsStep(),
    sparkOperatorCrdsStep(),
  ];
}
