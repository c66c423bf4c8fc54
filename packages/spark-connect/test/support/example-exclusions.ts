/**
 * Functions whose Spark examples are not compared (SQL text vs wrapper call), each with the
 * reason. Reviewed: the conformance test fails if an entry's examples now all agree, and if a
 * function with examples has none comparable and is missing here.
 */
export const EXAMPLE_EXCLUSIONS: Record<string, string> = {};
