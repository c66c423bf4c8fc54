import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterEach, describe, expect, it, vi } from "vitest";
import { registerGenerate } from "../../../src/cli/commands/generate.js";

function program(): Command {
  const p = new Command("kindling").exitOverride();
  p.configureOutput({ writeErr: () => {}, writeOut: () => {} });
  registerGenerate(p);
  return p;
}

describe("kindling generate", () => {
  let dir: string | undefined;
  afterEach(async () => {
    vi.restoreAllMocks();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("writes the dataset and prints the manifest with --json", async () => {
    dir = await mkdtemp(join(tmpdir(), "kindling-cli-generate-"));
    const out: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((chunk) => out.push(String(chunk)) > 0);
    vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    await program().parseAsync(["generate", "--rows", "2000", "--seed", "9", "--out", dir, "--json"], {
      from: "user",
    });
    const printed = JSON.parse(out.join(""));
    const written = JSON.parse(await readFile(join(dir, "manifest.json"), "utf8"));
    expect(printed).toEqual(written);
    expect(written).toMatchObject({ seed: 9, format: "csv", orders: { rows: 2000 } });
  });

  it("rejects a size it cannot read as a usage error", async () => {
    await expect(
      program().parseAsync(["generate", "--size", "huge"], { from: "user" }),
    ).rejects.toMatchObject({
      code: "commander.invalidArgument",
    });
  });
});
