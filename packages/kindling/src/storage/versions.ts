import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { cacheRoot } from "@kindling/spark-connect/local";
import { S3StoreError } from "./errors.js";

/** The S3-compatible stores Kindling can build and start. SeaweedFS is the default. */
export type S3StoreKind = "seaweedfs" | "minio";

/** A store's pinned version and where `infra/storage/build.sh` puts its binary. */
export interface S3StoreBinary {
  kind: S3StoreKind;
  version: string;
  /** `<cache>/bin/<kind>-<version>/<command>` */
  path: string;
  /** The command that builds it (for messages). */
  buildCommand: string;
}

/**
 * `infra/storage/versions.env` in the checkout (the one place store versions are pinned);
 * `KINDLING_STORAGE_VERSIONS` overrides it. Throws {@link S3StoreError} when it cannot be found.
 */
export function storageVersionsPath(): string {
  const override = process.env.KINDLING_STORAGE_VERSIONS;
  if (override) return resolve(override);
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, "infra", "storage", "versions.env");
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new S3StoreError(
    "VERSIONS_FILE",
    "Cannot find infra/storage/versions.env (where Kindling pins its S3 store). Run from a Kindling " +
      "checkout, or set KINDLING_STORAGE_VERSIONS to its path.",
  );
}

/** Parses the KEY=value lines of versions.env. */
export function readStorageVersions(file = storageVersionsPath()): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const m = line.match(/^\s*([A-Z0-9_]+)=(.*)$/);
    if (m?.[1]) out[m[1]] = (m[2] ?? "").trim().replace(/^["']|["']$/g, "");
  }
  return out;
}

/**
 * The pinned binary of a store (built or not: check `existsSync(path)`).
 * `KINDLING_S3_BINARY` points at another build of the chosen store. Throws when versions.env lacks it.
 */
export function storeBinary(kind: S3StoreKind = "seaweedfs"): S3StoreBinary {
  const key = kind === "seaweedfs" ? "SEAWEEDFS_VERSION" : "MINIO_VERSION";
  const version = readStorageVersions()[key];
  if (!version) throw new S3StoreError("VERSIONS_FILE", `${storageVersionsPath()}: ${key} is missing`);
  const command = kind === "seaweedfs" ? "weed" : "minio";
  const path = process.env.KINDLING_S3_BINARY ?? join(cacheRoot(), "bin", `${kind}-${version}`, command);
  const buildCommand = `infra/storage/build.sh${kind === "minio" ? " --minio" : ""}`;
  return { kind, version, path, buildCommand };
}
