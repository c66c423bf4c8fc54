/**
 * Column functions, named as in Spark's Scala/PySpark `functions` (camelCase of the SQL name).
 * core.ts is written by hand (the most used functions, with PySpark-style defaults); the family
 * files are generated from the pinned Spark's own function registry by
 * scripts/generate-functions.ts. Parameters typed `ColumnOrName` take a Column or a column name;
 * `ColumnOrLiteral` takes a Column or a JS value sent as a literal (a string there is text).
 */

export * from "./aggregate.js";
export type { ColumnOrLiteral, LambdaFunction, LiteralValue } from "./args.js";
export * from "./collection.js";
export * from "./core.js";
export * from "./datetime.js";
export * from "./formats.js";
export * from "./math.js";
export * from "./misc.js";
export * from "./predicate.js";
export * from "./sketch.js";
export * from "./string.js";
