export { KindlingError } from "./cli/errors.js";
export * from "./cluster/index.js";
export * from "./metrics/index.js";
