import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { credentialsFromEnv, s3Credentials, sparkS3ServerOptions } from "../../src/storage/index.js";

const dir = mkdtempSync(join(tmpdir(), "kindling-creds-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("S3 credentials", () => {
  it("never show the secret when printed or serialised", () => {
    const c = s3Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI-secret", "environment");
    expect(c.secretAccessKey).toBe("wJalrXUtnFEMI-secret");
    expect(JSON.stringify({ c })).not.toContain("wJalrXUtnFEMI-secret");
    expect(inspect({ c })).not.toContain("wJalrXUtnFEMI-secret");
    expect(`${inspect(c)}`).toContain("<redacted>");
  });

  it("come from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY first, then from the AWS_PROFILE profile", () => {
    const file = join(dir, "credentials");
    writeFileSync(
      file,
      "[default]\naws_access_key_id = d-id\naws_secret_access_key = d-secret\n[ci]\naws_access_key_id=ci-id\naws_secret_access_key=ci-secret\n",
    );
    const env = { AWS_SHARED_CREDENTIALS_FILE: file };
    expect(
      credentialsFromEnv({ ...env, AWS_ACCESS_KEY_ID: "e-id", AWS_SECRET_ACCESS_KEY: "e-s" }),
    ).toMatchObject({
      accessKeyId: "e-id",
      secretAccessKey: "e-s",
      source: "environment",
    });
    expect(credentialsFromEnv({ ...env, AWS_PROFILE: "ci" })).toMatchObject({
      accessKeyId: "ci-id",
      secretAccessKey: "ci-secret",
      source: "profile ci",
    });
    expect(credentialsFromEnv(env).accessKeyId).toBe("d-id");
  });

  it("report what to set when missing or half set, without any value", () => {
    const env = { AWS_SHARED_CREDENTIALS_FILE: join(dir, "none") };
    expect(() => credentialsFromEnv(env)).toThrow(/AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/);
    expect(() => credentialsFromEnv({ ...env, AWS_ACCESS_KEY_ID: "only-id" })).toThrow(
      /Only AWS_ACCESS_KEY_ID/,
    );
    try {
      credentialsFromEnv({ ...env, AWS_ACCESS_KEY_ID: "only-id" });
    } catch (e) {
      expect((e as Error).message).not.toContain("only-id");
    }
  });

  it("reach Spark through the JVM's environment, never its -D configuration", () => {
    const creds = s3Credentials("id-1", "secret-1");
    const o = sparkS3ServerOptions({
      endpoint: "http://127.0.0.1:9000",
      credentials: creds,
      baseEnv: { PATH: "/usr/bin", AWS_PROFILE: "elsewhere" },
    });
    expect(o.profiles).toEqual(["s3"]);
    expect(JSON.stringify(o.conf)).not.toContain("secret-1");
    expect(JSON.stringify(o.conf)).not.toContain("id-1");
    expect(o.env).toMatchObject({
      AWS_ACCESS_KEY_ID: "id-1",
      AWS_SECRET_ACCESS_KEY: "secret-1",
      PATH: "/usr/bin",
    });
    expect(o.env.AWS_PROFILE).toBeUndefined();
    expect(o.conf["spark.hadoop.fs.s3a.connection.ssl.enabled"]).toBe("false");
  });
});
