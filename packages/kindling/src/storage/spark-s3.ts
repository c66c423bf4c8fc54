import type { LocalServerOptions } from "@kindling/spark-connect";
import { credentialsEnv, type S3Credentials } from "./credentials.js";

/** The Maven profile of spark/pom.xml that adds hadoop-aws and the slim AWS SDK module set. */
export const SPARK_S3_PROFILE = "s3";

export interface SparkS3Options {
  /** The S3 endpoint, e.g. `http://127.0.0.1:8333` (a local store) or `https://s3.eu-west-1.amazonaws.com`. */
  endpoint: string;
  credentials: S3Credentials;
  /** Signing region. Default `us-east-1` (what local stores expect). */
  region?: string;
  /** Bucket in the path (`http://host/bucket/key`) rather than the host name. Default true. */
  pathStyle?: boolean;
  /** The environment the JVM starts from (the credentials are added). Default this process's. */
  baseEnv?: NodeJS.ProcessEnv;
}

/**
 * Options for `startLocalServer` that let Spark read and write `s3a://bucket/path`:
 * the `s3` profile (hadoop-aws), the s3a endpoint settings, the commit settings for safe publishing,
 * and the credentials in the JVM's environment — never as `-D` flags, which any user sees in `ps`.
 *
 * Safe publishing: Spark's own FileOutputCommitter (algorithm v1) writes every task's files under
 * `<dest>/_temporary/`, moves them into `<dest>` only at job commit, and writes the empty
 * `<dest>/_SUCCESS` marker as the job's very last step. A failed or interrupted job leaves no
 * `_SUCCESS`, so readers that trust only outputs with `_SUCCESS` (see {@link committedFiles}) never
 * take a partial output for a complete one. On S3 that move is a copy, not atomic, which is why the
 * marker — not the presence of part files — is the signal; and why Kindling writes each run to a
 * fresh prefix rather than appending to a published one. (The s3a "magic" committer would avoid the
 * copy, but binding it to Spark's Parquet writer needs spark-hadoop-cloud, which is not served here.)
 */
export function sparkS3ServerOptions(
  options: SparkS3Options,
): Required<Pick<LocalServerOptions, "profiles" | "conf" | "env">> {
  const secure = options.endpoint.startsWith("https:");
  const base = { ...(options.baseEnv ?? process.env) };
  // The JVM gets exactly these credentials: drop profile and container settings it might prefer.
  for (const k of Object.keys(base)) if (/^AWS_/.test(k)) delete base[k];
  return {
    profiles: [SPARK_S3_PROFILE],
    conf: {
      "spark.hadoop.fs.s3a.endpoint": options.endpoint,
      "spark.hadoop.fs.s3a.endpoint.region": options.region ?? "us-east-1",
      "spark.hadoop.fs.s3a.path.style.access": String(options.pathStyle ?? true),
      "spark.hadoop.fs.s3a.connection.ssl.enabled": String(secure),
      // Credentials come from the environment only: no instance-metadata lookups (169.254.169.254).
      "spark.hadoop.fs.s3a.aws.credentials.provider":
        "software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider",
      // Safe publishing (see above): task output moves only at job commit; _SUCCESS is written last.
      "spark.hadoop.mapreduce.fileoutputcommitter.algorithm.version": "1",
      "spark.hadoop.mapreduce.fileoutputcommitter.marksuccessfuljobs": "true",
      "spark.hadoop.fs.s3a.committer.name": "file",
    },
    env: { ...base, ...credentialsEnv(options.credentials), AWS_EC2_METADATA_DISABLED: "true" },
  };
}
