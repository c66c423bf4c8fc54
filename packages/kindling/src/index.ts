export { KindlingError } from "./cli/errors.js";
