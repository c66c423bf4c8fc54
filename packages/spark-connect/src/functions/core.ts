/**
 * Column functions, named as in Spark's Scala `functions` object (camelCase). Arguments typed
 * `ColumnOrName` take a Column or a column name; `ColumnOrValue` takes a Column or a JS value.
 * Anything not wrapped here is reachable with {@link callFunction} or {@link expr}.
 */
import { Column, type ColumnOrName, type ColumnOrValue, Decimal, toColumn, toExpr } from "../column.js";
import * as E from "../plan/expressions.js";
import type { DataType } from "../types.js";
import { type LambdaFunction, lambdaArg } from "./args.js";

const c = (x: ColumnOrName) => toColumn(x).expr;
const fn = (name: string, ...args: ColumnOrName[]) => new Column(E.call(name, args.map(c)));

// ── basics ────────────────────────────────────────────────────────────────────
/** A column by name (`"a"`, `"t.a"`, `"*"`). */
export const col = (name: string): Column => toColumn(name);
export const column = col;
/** A literal: null, boolean, number, bigint, string, Date, Uint8Array, Decimal, arrays, Maps, plain objects. */
export const lit = (value: unknown): Column => (value instanceof Column ? value : new Column(toExpr(value)));
/** A DECIMAL literal from its exact decimal text, e.g. `decimalLit("12.34")`. */
export const decimalLit = (value: string): Column => lit(new Decimal(value));
/** A column from Spark SQL expression text, e.g. `expr("price * qty AS revenue")`. */
export const expr = (sql: string): Column => new Column(E.sqlExpression(sql));
/**
 * Calls any Spark SQL function by name, e.g. `callFunction("date_trunc", "month", col("ts"))`.
 * Arguments are literals unless they are Columns: a string is text, not a column name (pass
 * `col(name)` for a column). Throws SparkConnectError at execution if the function is unknown.
 */
export const callFunction = (name: string, ...args: ColumnOrValue[]): Column =>
  new Column(E.call(name, args.map(toExpr)));
/**
 * Converts `x` to a type given as DDL text (`"decimal(10,2)"`) or a DataType (SQL
 * `CAST(x AS type)`); ANSI rules of the session apply. Same as `Column.cast`.
 */
export const cast = (x: ColumnOrName, to: string | DataType): Column => toColumn(x).cast(to);
/** Starts a conditional expression; chain `.when(...)` and `.otherwise(...)`. */
export const when = (condition: Column, value: ColumnOrValue): Column =>
  new Column(E.call("when", [condition.expr, toExpr(value)]));
export const coalesce = (...cols: ColumnOrName[]) => fn("coalesce", ...cols);
export const isnull = (x: ColumnOrName) => fn("isnull", x);
export const isnan = (x: ColumnOrName) => fn("isnan", x);
export const nanvl = (a: ColumnOrName, b: ColumnOrName) => fn("nanvl", a, b);
export const nullif = (a: ColumnOrName, b: ColumnOrName) => fn("nullif", a, b);
export const ifnull = (a: ColumnOrName, b: ColumnOrName) => fn("ifnull", a, b);
export const greatest = (...cols: ColumnOrName[]) => fn("greatest", ...cols);
export const least = (...cols: ColumnOrName[]) => fn("least", ...cols);
export const asc = (name: string) => toColumn(name).asc();
export const desc = (name: string) => toColumn(name).desc();
export const ascNullsLast = (name: string) => toColumn(name).ascNullsLast();
export const descNullsFirst = (name: string) => toColumn(name).descNullsFirst();
export const struct = (...cols: ColumnOrName[]) => fn("struct", ...cols);
export const array = (...cols: ColumnOrName[]) => fn("array", ...cols);
export const createMap = (...cols: ColumnOrName[]) => fn("map", ...cols);
export const monotonicallyIncreasingId = () => fn("monotonically_increasing_id");
export const sparkPartitionId = () => fn("spark_partition_id");
export const inputFileName = () => fn("input_file_name");
export const hash = (...cols: ColumnOrName[]) => fn("hash", ...cols);
export const xxhash64 = (...cols: ColumnOrName[]) => fn("xxhash64", ...cols);
export const md5 = (x: ColumnOrName) => fn("md5", x);
export const sha2 = (x: ColumnOrName, bits: number) => new Column(E.call("sha2", [c(x), toExpr(bits)]));
export const rand = (seed?: number) => new Column(E.call("rand", seed === undefined ? [] : [toExpr(seed)]));
export const randn = (seed?: number) => new Column(E.call("randn", seed === undefined ? [] : [toExpr(seed)]));

// ── aggregates ────────────────────────────────────────────────────────────────
export const count = (x: ColumnOrName) =>
  x === "*" ? new Column(E.call("count", [toExpr(1)])) : fn("count", x);
export const countDistinct = (...cols: ColumnOrName[]) => new Column(E.call("count", cols.map(c), true));
export const sumDistinct = (x: ColumnOrName) => new Column(E.call("sum", [c(x)], true));
export const approxCountDistinct = (x: ColumnOrName, rsd?: number) =>
  new Column(E.call("approx_count_distinct", rsd === undefined ? [c(x)] : [c(x), toExpr(rsd)]));
export const sum = (x: ColumnOrName) => fn("sum", x);
export const avg = (x: ColumnOrName) => fn("avg", x);
export const mean = avg;
export const min = (x: ColumnOrName) => fn("min", x);
export const max = (x: ColumnOrName) => fn("max", x);
export const minBy = (x: ColumnOrName, ord: ColumnOrName) => fn("min_by", x, ord);
export const maxBy = (x: ColumnOrName, ord: ColumnOrName) => fn("max_by", x, ord);
export const stddev = (x: ColumnOrName) => fn("stddev", x);
export const stddevPop = (x: ColumnOrName) => fn("stddev_pop", x);
export const stddevSamp = (x: ColumnOrName) => fn("stddev_samp", x);
export const variance = (x: ColumnOrName) => fn("variance", x);
export const varPop = (x: ColumnOrName) => fn("var_pop", x);
export const corr = (a: ColumnOrName, b: ColumnOrName) => fn("corr", a, b);
export const covarSamp = (a: ColumnOrName, b: ColumnOrName) => fn("covar_samp", a, b);
export const skewness = (x: ColumnOrName) => fn("skewness", x);
export const kurtosis = (x: ColumnOrName) => fn("kurtosis", x);
export const percentileApprox = (x: ColumnOrName, percentage: number | number[], accuracy = 10000) =>
  new Column(E.call("percentile_approx", [c(x), toExpr(percentage), toExpr(accuracy)]));
export const median = (x: ColumnOrName) => fn("median", x);
export const first = (x: ColumnOrName, ignoreNulls = false) =>
  new Column(E.call("first", [c(x), toExpr(ignoreNulls)]));
export const last = (x: ColumnOrName, ignoreNulls = false) =>
  new Column(E.call("last", [c(x), toExpr(ignoreNulls)]));
export const anyValue = (x: ColumnOrName) => fn("any_value", x);
export const collectList = (x: ColumnOrName) => fn("collect_list", x);
export const collectSet = (x: ColumnOrName) => fn("collect_set", x);
export const countIf = (x: ColumnOrName) => fn("count_if", x);
export const boolAnd = (x: ColumnOrName) => fn("bool_and", x);
export const boolOr = (x: ColumnOrName) => fn("bool_or", x);
export const grouping = (x: ColumnOrName) => fn("grouping", x);

// ── window functions ──────────────────────────────────────────────────────────
export const rowNumber = () => fn("row_number");
export const rank = () => fn("rank");
export const denseRank = () => fn("dense_rank");
export const percentRank = () => fn("percent_rank");
export const cumeDist = () => fn("cume_dist");
export const ntile = (n: number) => new Column(E.call("ntile", [toExpr(n)]));
export const lag = (x: ColumnOrName, offset = 1, defaultValue: unknown = null) =>
  new Column(E.call("lag", [c(x), toExpr(offset), toExpr(defaultValue)]));
export const lead = (x: ColumnOrName, offset = 1, defaultValue: unknown = null) =>
  new Column(E.call("lead", [c(x), toExpr(offset), toExpr(defaultValue)]));
export const nthValue = (x: ColumnOrName, n: number, ignoreNulls = false) =>
  new Column(E.call("nth_value", [c(x), toExpr(n), toExpr(ignoreNulls)]));

// ── strings ───────────────────────────────────────────────────────────────────
export const upper = (x: ColumnOrName) => fn("upper", x);
export const lower = (x: ColumnOrName) => fn("lower", x);
export const initcap = (x: ColumnOrName) => fn("initcap", x);
export const trim = (x: ColumnOrName) => fn("trim", x);
export const ltrim = (x: ColumnOrName) => fn("ltrim", x);
export const rtrim = (x: ColumnOrName) => fn("rtrim", x);
export const length = (x: ColumnOrName) => fn("length", x);
export const reverse = (x: ColumnOrName) => fn("reverse", x);
export const concat = (...cols: ColumnOrName[]) => fn("concat", ...cols);
export const concatWs = (sep: string, ...cols: ColumnOrName[]) =>
  new Column(E.call("concat_ws", [toExpr(sep), ...cols.map(c)]));
export const substring = (x: ColumnOrName, pos: number, len: number) =>
  new Column(E.call("substring", [c(x), toExpr(pos), toExpr(len)]));
export const substringIndex = (x: ColumnOrName, delim: string, n: number) =>
  new Column(E.call("substring_index", [c(x), toExpr(delim), toExpr(n)]));
export const lpad = (x: ColumnOrName, len: number, pad: string) =>
  new Column(E.call("lpad", [c(x), toExpr(len), toExpr(pad)]));
export const rpad = (x: ColumnOrName, len: number, pad: string) =>
  new Column(E.call("rpad", [c(x), toExpr(len), toExpr(pad)]));
export const repeat = (x: ColumnOrName, n: number) => new Column(E.call("repeat", [c(x), toExpr(n)]));
export const split = (x: ColumnOrName, pattern: string, limit = -1) =>
  new Column(E.call("split", [c(x), toExpr(pattern), toExpr(limit)]));
export const regexpReplace = (x: ColumnOrName, pattern: string, replacement: string) =>
  new Column(E.call("regexp_replace", [c(x), toExpr(pattern), toExpr(replacement)]));
export const regexpExtract = (x: ColumnOrName, pattern: string, idx: number) =>
  new Column(E.call("regexp_extract", [c(x), toExpr(pattern), toExpr(idx)]));
export const translate = (x: ColumnOrName, matching: string, replace: string) =>
  new Column(E.call("translate", [c(x), toExpr(matching), toExpr(replace)]));
export const instr = (x: ColumnOrName, substr: string) => new Column(E.call("instr", [c(x), toExpr(substr)]));
export const locate = (substr: string, x: ColumnOrName, pos = 1) =>
  new Column(E.call("locate", [toExpr(substr), c(x), toExpr(pos)]));
export const formatString = (format: string, ...cols: ColumnOrName[]) =>
  new Column(E.call("format_string", [toExpr(format), ...cols.map(c)]));
export const formatNumber = (x: ColumnOrName, d: number) =>
  new Column(E.call("format_number", [c(x), toExpr(d)]));
export const ascii = (x: ColumnOrName) => fn("ascii", x);
export const base64 = (x: ColumnOrName) => fn("base64", x);
export const unbase64 = (x: ColumnOrName) => fn("unbase64", x);
export const soundex = (x: ColumnOrName) => fn("soundex", x);
export const levenshtein = (a: ColumnOrName, b: ColumnOrName) => fn("levenshtein", a, b);

// ── dates and times (the session time zone applies; Kindling's local server uses UTC) ──
export const currentDate = () => fn("current_date");
export const currentTimestamp = () => fn("current_timestamp");
export const toDate = (x: ColumnOrName, format?: string) =>
  new Column(E.call("to_date", format === undefined ? [c(x)] : [c(x), toExpr(format)]));
export const toTimestamp = (x: ColumnOrName, format?: string) =>
  new Column(E.call("to_timestamp", format === undefined ? [c(x)] : [c(x), toExpr(format)]));
export const dateFormat = (x: ColumnOrName, format: string) =>
  new Column(E.call("date_format", [c(x), toExpr(format)]));
export const year = (x: ColumnOrName) => fn("year", x);
export const quarter = (x: ColumnOrName) => fn("quarter", x);
export const month = (x: ColumnOrName) => fn("month", x);
export const dayofmonth = (x: ColumnOrName) => fn("dayofmonth", x);
export const dayofweek = (x: ColumnOrName) => fn("dayofweek", x);
export const dayofyear = (x: ColumnOrName) => fn("dayofyear", x);
export const weekofyear = (x: ColumnOrName) => fn("weekofyear", x);
export const hour = (x: ColumnOrName) => fn("hour", x);
export const minute = (x: ColumnOrName) => fn("minute", x);
export const second = (x: ColumnOrName) => fn("second", x);
export const dateAdd = (x: ColumnOrName, days: number | Column) =>
  new Column(E.call("date_add", [c(x), toExpr(days)]));
export const dateSub = (x: ColumnOrName, days: number | Column) =>
  new Column(E.call("date_sub", [c(x), toExpr(days)]));
export const datediff = (end: ColumnOrName, start: ColumnOrName) => fn("datediff", end, start);
export const addMonths = (x: ColumnOrName, n: number) => new Column(E.call("add_months", [c(x), toExpr(n)]));
export const monthsBetween = (a: ColumnOrName, b: ColumnOrName) => fn("months_between", a, b);
export const lastDay = (x: ColumnOrName) => fn("last_day", x);
export const truncDate = (x: ColumnOrName, format: string) =>
  new Column(E.call("trunc", [c(x), toExpr(format)]));
export const dateTrunc = (format: string, x: ColumnOrName) =>
  new Column(E.call("date_trunc", [toExpr(format), c(x)]));
export const unixTimestamp = (x?: ColumnOrName, format = "yyyy-MM-dd HH:mm:ss") =>
  new Column(E.call("unix_timestamp", x === undefined ? [] : [c(x), toExpr(format)]));
export const fromUnixtime = (x: ColumnOrName, format = "yyyy-MM-dd HH:mm:ss") =>
  new Column(E.call("from_unixtime", [c(x), toExpr(format)]));
export const fromUtcTimestamp = (x: ColumnOrName, tz: string) =>
  new Column(E.call("from_utc_timestamp", [c(x), toExpr(tz)]));
export const toUtcTimestamp = (x: ColumnOrName, tz: string) =>
  new Column(E.call("to_utc_timestamp", [c(x), toExpr(tz)]));

// ── math ──────────────────────────────────────────────────────────────────────
export const abs = (x: ColumnOrName) => fn("abs", x);
export const sqrt = (x: ColumnOrName) => fn("sqrt", x);
export const cbrt = (x: ColumnOrName) => fn("cbrt", x);
export const exp = (x: ColumnOrName) => fn("exp", x);
/**
 * The natural logarithm of `x` (SQL `ln`), or with two arguments the logarithm of `x` to `base`
 * (SQL `log(base, x)`), as PySpark's `log(arg1, arg2)`.
 */
export function log(x: ColumnOrName): Column;
export function log(base: number | Column, x: ColumnOrName): Column;
export function log(a: ColumnOrName | number, b?: ColumnOrName): Column {
  if (b === undefined) return fn("ln", a as ColumnOrName);
  return new Column(E.call("log", [toExpr(a), c(b)]));
}
export const log10 = (x: ColumnOrName) => fn("log10", x);
export const log2 = (x: ColumnOrName) => fn("log2", x);
export const pow = (a: ColumnOrName, b: ColumnOrValue) => new Column(E.call("power", [c(a), toExpr(b)]));
export const round = (x: ColumnOrName, scale = 0) => new Column(E.call("round", [c(x), toExpr(scale)]));
export const bround = (x: ColumnOrName, scale = 0) => new Column(E.call("bround", [c(x), toExpr(scale)]));
export const floor = (x: ColumnOrName) => fn("floor", x);
export const ceil = (x: ColumnOrName) => fn("ceil", x);
export const signum = (x: ColumnOrName) => fn("signum", x);
export const sin = (x: ColumnOrName) => fn("sin", x);
export const cos = (x: ColumnOrName) => fn("cos", x);
export const tan = (x: ColumnOrName) => fn("tan", x);
export const atan2 = (a: ColumnOrName, b: ColumnOrName) => fn("atan2", a, b);
export const degrees = (x: ColumnOrName) => fn("degrees", x);
export const radians = (x: ColumnOrName) => fn("radians", x);
export const pmod = (a: ColumnOrName, b: ColumnOrValue) => new Column(E.call("pmod", [c(a), toExpr(b)]));

// ── collections and JSON ──────────────────────────────────────────────────────
export const size = (x: ColumnOrName) => fn("size", x);
export const explode = (x: ColumnOrName) => fn("explode", x);
export const explodeOuter = (x: ColumnOrName) => fn("explode_outer", x);
export const arrayContains = (x: ColumnOrName, value: unknown) =>
  new Column(E.call("array_contains", [c(x), toExpr(value)]));
export const arrayDistinct = (x: ColumnOrName) => fn("array_distinct", x);
export const sortArray = (x: ColumnOrName, ascending = true) =>
  new Column(E.call("sort_array", [c(x), toExpr(ascending)]));
export const elementAt = (x: ColumnOrName, key: unknown) =>
  new Column(E.call("element_at", [c(x), toExpr(key)]));
export const mapKeys = (x: ColumnOrName) => fn("map_keys", x);
export const mapValues = (x: ColumnOrName) => fn("map_values", x);
export const toJson = (x: ColumnOrName) => fn("to_json", x);
export const fromJson = (x: ColumnOrName, schema: string) =>
  new Column(E.call("from_json", [c(x), toExpr(schema)]));
export const getJsonObject = (x: ColumnOrName, path: string) =>
  new Column(E.call("get_json_object", [c(x), toExpr(path)]));
/**
 * Applies a JS-built lambda to each array element: `transform("xs", (x) => x.plus(1))`; a
 * two-parameter lambda also gets the element's 0-based index (SQL `transform(expr, func)`).
 */
export const transform = (x: ColumnOrName, f: LambdaFunction) =>
  new Column(E.call("transform", [c(x), lambdaArg(f)]));
/** The elements for which the lambda is true; a two-parameter lambda also gets the index (SQL `filter`). */
export const filter = (x: ColumnOrName, f: LambdaFunction) =>
  new Column(E.call("filter", [c(x), lambdaArg(f)]));
