/**
 * Functions whose Spark examples are not compared (SQL text vs wrapper call), each with the
 * reason. Reviewed: the conformance test fails if an entry's examples now all agree, and if a
 * function with examples has none comparable and is missing here.
 */
const group = (reason: string, names: string) =>
  Object.fromEntries(names.trim().split(/\s+/).map((n) => [n, reason]));

export const EXAMPLE_EXCLUSIONS: Record<string, string> = {
  ...group(
    "nondeterministic: the clock, a random value or a random UUID differ between any two runs",
    "current_timestamp localtimestamp now unix_timestamp rand randn random shuffle uuid java_method reflect try_reflect",
  ),
};
