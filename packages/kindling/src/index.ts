export * from "./cluster/index.js";
export { KindlingError, type KindlingErrorCode } from "./errors.js";
export * from "./metrics/index.js";
export { type CommitRecord, readCommittedSet } from "./run/run-commit.js";
