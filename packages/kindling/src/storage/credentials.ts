import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { S3StoreError } from "./errors.js";

/**
 * An S3 access key pair. The secret is a non-enumerable property and the object prints as
 * `S3Credentials { accessKeyId: 'kin…', secretAccessKey: '<redacted>' }`, so neither
 * `JSON.stringify` nor `console.log` of it (or of an object holding it) leaks the secret.
 */
export interface S3Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  /** Where they came from (`environment` or `profile <name>`), for messages. */
  readonly source: string;
}

/** Wraps a key pair so that printing or serialising it never shows the secret. */
export function s3Credentials(
  accessKeyId: string,
  secretAccessKey: string,
  source = "given",
  sessionToken?: string,
): S3Credentials {
  const creds = { accessKeyId, source };
  const hidden = (value: unknown) => ({ value, enumerable: false, writable: false });
  Object.defineProperty(creds, "secretAccessKey", hidden(secretAccessKey));
  if (sessionToken) Object.defineProperty(creds, "sessionToken", hidden(sessionToken));
  Object.defineProperty(creds, inspect.custom, {
    enumerable: false,
    value: () =>
      `S3Credentials { accessKeyId: '${accessKeyId.slice(0, 3)}…', secretAccessKey: '<redacted>', source: '${source}' }`,
  });
  return Object.freeze(creds) as S3Credentials;
}

/**
 * Reads S3 credentials the way the AWS tools do: `AWS_ACCESS_KEY_ID` + `AWS_SECRET_ACCESS_KEY`
 * (+ `AWS_SESSION_TOKEN`) from the environment, else the `AWS_PROFILE` profile (or `default`) of the
 * shared credentials file (`AWS_SHARED_CREDENTIALS_FILE`, default `~/.aws/credentials`).
 * Throws {@link S3StoreError} `CREDENTIALS_MISSING` naming what to set; never includes a value.
 */
export function credentialsFromEnv(env: NodeJS.ProcessEnv = process.env): S3Credentials {
  const id = env.AWS_ACCESS_KEY_ID;
  const secret = env.AWS_SECRET_ACCESS_KEY;
  if (id && secret) return s3Credentials(id, secret, "environment", env.AWS_SESSION_TOKEN);
  if (id || secret) {
    throw new S3StoreError(
      "CREDENTIALS_MISSING",
      `Only ${id ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY"} is set: set both, or neither and use a profile.`,
    );
  }
  const profile = env.AWS_PROFILE ?? "default";
  const file = env.AWS_SHARED_CREDENTIALS_FILE ?? join(homedir(), ".aws", "credentials");
  const section = readIniSection(file, profile);
  const pid = section?.aws_access_key_id;
  const psecret = section?.aws_secret_access_key;
  if (pid && psecret) return s3Credentials(pid, psecret, `profile ${profile}`, section.aws_session_token);
  throw new S3StoreError(
    "CREDENTIALS_MISSING",
    "No S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE naming a profile " +
      `with aws_access_key_id and aws_secret_access_key in ${file}` +
      (section ? ` (profile '${profile}' lacks them).` : ` (no profile '${profile}' there).`),
  );
}

/** The environment variables that hand these credentials to a child process (e.g. the Spark JVM). */
export function credentialsEnv(creds: S3Credentials): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: creds.accessKeyId,
    AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
    ...(creds.sessionToken ? { AWS_SESSION_TOKEN: creds.sessionToken } : {}),
  };
}

function readIniSection(file: string, name: string): Record<string, string> | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  let current: string | undefined;
  let found: Record<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith("#") || line.startsWith(";")) continue;
    const header = line.match(/^\[\s*(?:profile\s+)?([^\]]+?)\s*\]$/);
    if (header) {
      current = header[1];
      if (current === name) found ??= {};
      continue;
    }
    const kv = line.match(/^([^=]+?)\s*=\s*(.*)$/);
    if (kv?.[1] && current === name && found) found[kv[1].toLowerCase()] = kv[2] ?? "";
  }
  return found;
}
