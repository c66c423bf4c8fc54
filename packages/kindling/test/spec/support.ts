import { fileURLToPath } from "node:url";
import { SpecError } from "../../src/spec/index.js";

/** The path of a fixture, relative to the repository root (as the CLI would be given it). */
export function fixture(name: string): string {
  return `packages/kindling/test/spec/fixtures/${name}`;
}

/** The repository root, so fixture paths resolve whatever the working directory. */
export const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

/** Runs `fn` and returns the SpecError it throws; fails the test if it throws anything else or nothing. */
export async function specErrorOf(fn: () => unknown): Promise<SpecError> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof SpecError) return err;
    throw err;
  }
  throw new Error("expected a SpecError, but the spec was accepted");
}
