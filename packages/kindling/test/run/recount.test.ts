import { describe, expect, it } from "vitest";
import { recountReason } from "../../src/run/recount.js";
import type { SparkRunStats, StageStats } from "../../src/run/spark-ui.js";

const stage = (stageId: number, attemptId: number, failedTasks = 0) =>
  ({ stageId, attemptId, failedTasks }) as StageStats;
const stats = (stages: StageStats[], lost: string[] = []): SparkRunStats => ({
  applicationId: "app-1",
  jobs: 1,
  cores: 2,
  stages,
  executors: [
    { id: "9", active: true, removeReason: undefined, removedAt: undefined, failedTasks: 0 },
    ...lost.map((id) => ({ id, active: false, removeReason: "killed", removedAt: "t", failedTasks: 1 })),
  ],
});

describe("when a run's counts are taken again", () => {
  it("after an executor lost or a stage retried during the run, even when the counts add up", () => {
    expect(recountReason(stats([stage(1, 0)], ["3"]), true)).toMatch(/executor\(s\) 3 lost/);
    expect(recountReason(stats([stage(1, 0), stage(1, 1)]), true)).toMatch(/stage\(s\) 1 retried/);
  });

  it("when the counts do not add up after failed tasks, or with no Spark UI to ask", () => {
    expect(recountReason(stats([stage(1, 0, 2)]), false)).toMatch(/failed tasks/);
    expect(recountReason(undefined, false)).toMatch(/could not say/);
  });

  it("never for a clean run, nor for counts that do not add up without any failure (a real loss)", () => {
    expect(recountReason(stats([stage(1, 0)]), true)).toBeUndefined();
    expect(recountReason(undefined, true)).toBeUndefined();
    expect(recountReason(stats([stage(1, 0)]), false)).toBeUndefined();
  });
});
