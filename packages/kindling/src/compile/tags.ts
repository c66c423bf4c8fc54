/**
 * Operation tags that say which part of a pipeline a Spark job belongs to. Spark puts an
 * execution's tags on each job it starts (the UI's `/api/v1/applications/<app>/jobs` lists them as
 * `jobTags`), so the run's report can sum a source's input bytes or name a stage by its step.
 * Spark refuses an empty tag or one holding a comma (its tag separator).
 */

/** What a job does for a step or source: `scan` (the one read of a raw source), `header`, `encoding`, ... */
export type StepWork = "scan" | "header" | "encoding" | "drift" | "write";

/** The tag of the jobs doing `work` for step (or source) `step`: `kindling-step:<step>:<work>`. */
export function stepTag(step: string, work: StepWork): string {
  return `kindling-step:${step.replace(/,/g, "_")}:${work}`;
}

/**
 * The step (or source) a tag made by {@link stepTag} names, or undefined for another tag. Spark
 * Connect lists an operation's tag inside a job tag of its own (`SparkConnect_OperationTag_…_Tag_<tag>`),
 * so the tag is found at the end of the job tag.
 */
export function stepOfTag(tag: string): { step: string; work: string } | undefined {
  const m = tag.match(/kindling-step:([^:]+):([a-z]+)$/);
  return m ? { step: m[1]!, work: m[2]! } : undefined;
}
