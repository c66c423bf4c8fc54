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
/** Same as {@link col}: a column by name. */
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
/** The first non-null argument, per row (SQL `coalesce`); null when all are null. */
export const coalesce = (...cols: ColumnOrName[]) => fn("coalesce", ...cols);
/** True where `x` is null (SQL `isnull`). */
export const isnull = (x: ColumnOrName) => fn("isnull", x);
/** True where `x` is NaN (SQL `isnan`); false for null. */
export const isnan = (x: ColumnOrName) => fn("isnan", x);
/** `a` unless it is NaN, then `b` (SQL `nanvl`; both floating point). */
export const nanvl = (a: ColumnOrName, b: ColumnOrName) => fn("nanvl", a, b);
/** Null when `a` equals `b`, else `a` (SQL `nullif`). */
export const nullif = (a: ColumnOrName, b: ColumnOrName) => fn("nullif", a, b);
/** `b` where `a` is null, else `a` (SQL `ifnull`). */
export const ifnull = (a: ColumnOrName, b: ColumnOrName) => fn("ifnull", a, b);
/** The largest argument per row, nulls skipped (SQL `greatest`); null only when all are null. */
export const greatest = (...cols: ColumnOrName[]) => fn("greatest", ...cols);
/** The smallest argument per row, nulls skipped (SQL `least`); null only when all are null. */
export const least = (...cols: ColumnOrName[]) => fn("least", ...cols);
/** Ascending sort order on a column name, nulls first (Spark's default). */
export const asc = (name: string) => toColumn(name).asc();
/** Descending sort order on a column name, nulls last (Spark's default). */
export const desc = (name: string) => toColumn(name).desc();
/** Ascending sort order with nulls after the values. */
export const ascNullsLast = (name: string) => toColumn(name).ascNullsLast();
/** Descending sort order with nulls before the values. */
export const descNullsFirst = (name: string) => toColumn(name).descNullsFirst();
/** A STRUCT of the given columns, fields named after them (SQL `struct`). */
export const struct = (...cols: ColumnOrName[]) => fn("struct", ...cols);
/** An ARRAY of the given columns, one element each (SQL `array`); they must share a type. */
export const array = (...cols: ColumnOrName[]) => fn("array", ...cols);
/** A MAP from alternating key, value columns (SQL `map(k1, v1, k2, v2…)`). */
export const createMap = (...cols: ColumnOrName[]) => fn("map", ...cols);
/** A unique, increasing BIGINT per row (not consecutive: the partition id is in the upper bits; SQL `monotonically_increasing_id`). */
export const monotonicallyIncreasingId = () => fn("monotonically_increasing_id");
/** The INT id of the partition each row is in (SQL `spark_partition_id`). */
export const sparkPartitionId = () => fn("spark_partition_id");
/** The path of the file each row was read from, or "" (SQL `input_file_name`). */
export const inputFileName = () => fn("input_file_name");
/** A 32-bit Murmur3 hash (INT) of the given columns (SQL `hash`). */
export const hash = (...cols: ColumnOrName[]) => fn("hash", ...cols);
/** A 64-bit xxHash (BIGINT) of the given columns (SQL `xxhash64`). */
export const xxhash64 = (...cols: ColumnOrName[]) => fn("xxhash64", ...cols);
/** The MD5 digest of a binary/string column as 32 hex characters (SQL `md5`). */
export const md5 = (x: ColumnOrName) => fn("md5", x);
/** The SHA-2 digest as hex; `bits` 224, 256, 384, 512 (or 0 = 256) (SQL `sha2`). */
export const sha2 = (x: ColumnOrName, bits: number) => new Column(E.call("sha2", [c(x), toExpr(bits)]));
/** A uniform random DOUBLE in [0, 1) per row; the same `seed` repeats the sequence per partition (SQL `rand`). */
export const rand = (seed?: number) => new Column(E.call("rand", seed === undefined ? [] : [toExpr(seed)]));
/** A standard-normal random DOUBLE per row; the same `seed` repeats the sequence per partition (SQL `randn`). */
export const randn = (seed?: number) => new Column(E.call("randn", seed === undefined ? [] : [toExpr(seed)]));

// ── aggregates ────────────────────────────────────────────────────────────────
/** Aggregate: the number of non-null values of `x` as BIGINT; `count("*")` counts rows (SQL `count`). */
export const count = (x: ColumnOrName) =>
  x === "*" ? new Column(E.call("count", [toExpr(1)])) : fn("count", x);
/** Aggregate: the number of distinct non-null combinations of the columns, BIGINT (SQL `count(DISTINCT …)`). */
export const countDistinct = (...cols: ColumnOrName[]) => new Column(E.call("count", cols.map(c), true));
/** Aggregate: the sum of the distinct values of `x` (SQL `sum(DISTINCT x)`). */
export const sumDistinct = (x: ColumnOrName) => new Column(E.call("sum", [c(x)], true));
/** Aggregate: an estimate (HyperLogLog++) of the number of distinct values; `rsd` is the maximum relative standard deviation, default 0.05 (SQL `approx_count_distinct`). */
export const approxCountDistinct = (x: ColumnOrName, rsd?: number) =>
  new Column(E.call("approx_count_distinct", rsd === undefined ? [c(x)] : [c(x), toExpr(rsd)]));
/** Aggregate: the sum of `x`, nulls skipped; null for no rows (SQL `sum`). BIGINT for integers, DECIMAL widened for decimals; ANSI mode throws on overflow. */
export const sum = (x: ColumnOrName) => fn("sum", x);
/** Aggregate: the mean of `x`, nulls skipped (SQL `avg`); DOUBLE, or DECIMAL for decimals. */
export const avg = (x: ColumnOrName) => fn("avg", x);
/** Same as {@link avg}. */
export const mean = avg;
/** Aggregate: the smallest value of `x`, nulls skipped (SQL `min`). */
export const min = (x: ColumnOrName) => fn("min", x);
/** Aggregate: the largest value of `x`, nulls skipped (SQL `max`). */
export const max = (x: ColumnOrName) => fn("max", x);
/** Aggregate: the value of `x` on the row where `ord` is smallest (SQL `min_by`). */
export const minBy = (x: ColumnOrName, ord: ColumnOrName) => fn("min_by", x, ord);
/** Aggregate: the value of `x` on the row where `ord` is largest (SQL `max_by`). */
export const maxBy = (x: ColumnOrName, ord: ColumnOrName) => fn("max_by", x, ord);
/** Aggregate: the sample standard deviation, DOUBLE (SQL `stddev`). */
export const stddev = (x: ColumnOrName) => fn("stddev", x);
/** Aggregate: the population standard deviation, DOUBLE (SQL `stddev_pop`). */
export const stddevPop = (x: ColumnOrName) => fn("stddev_pop", x);
/** Aggregate: the sample standard deviation, DOUBLE (SQL `stddev_samp`). */
export const stddevSamp = (x: ColumnOrName) => fn("stddev_samp", x);
/** Aggregate: the sample variance, DOUBLE (SQL `variance`). */
export const variance = (x: ColumnOrName) => fn("variance", x);
/** Aggregate: the population variance, DOUBLE (SQL `var_pop`). */
export const varPop = (x: ColumnOrName) => fn("var_pop", x);
/** Aggregate: the Pearson correlation coefficient of two columns, DOUBLE (SQL `corr`). */
export const corr = (a: ColumnOrName, b: ColumnOrName) => fn("corr", a, b);
/** Aggregate: the sample covariance of two columns, DOUBLE (SQL `covar_samp`). */
export const covarSamp = (a: ColumnOrName, b: ColumnOrName) => fn("covar_samp", a, b);
/** Aggregate: the skewness of `x`, DOUBLE (SQL `skewness`). */
export const skewness = (x: ColumnOrName) => fn("skewness", x);
/** Aggregate: the excess kurtosis of `x`, DOUBLE (SQL `kurtosis`). */
export const kurtosis = (x: ColumnOrName) => fn("kurtosis", x);
/** Aggregate: the approximate percentile(s) of `x`; `percentage` in [0, 1] (an array gives an array), `accuracy` trades memory for precision (relative error 1/accuracy; SQL `percentile_approx`). */
export const percentileApprox = (x: ColumnOrName, percentage: number | number[], accuracy = 10000) =>
  new Column(E.call("percentile_approx", [c(x), toExpr(percentage), toExpr(accuracy)]));
/** Aggregate: the exact median of `x` (SQL `median`). */
export const median = (x: ColumnOrName) => fn("median", x);
/** Aggregate: the first value of `x` in the group (order not guaranteed without a sort); `ignoreNulls` skips nulls (SQL `first`). */
export const first = (x: ColumnOrName, ignoreNulls = false) =>
  new Column(E.call("first", [c(x), toExpr(ignoreNulls)]));
/** Aggregate: the last value of `x` in the group (order not guaranteed without a sort); `ignoreNulls` skips nulls (SQL `last`). */
export const last = (x: ColumnOrName, ignoreNulls = false) =>
  new Column(E.call("last", [c(x), toExpr(ignoreNulls)]));
/** Aggregate: some value of `x` from the group (SQL `any_value`). */
export const anyValue = (x: ColumnOrName) => fn("any_value", x);
/** Aggregate: the values of `x` as an ARRAY, nulls skipped, order not guaranteed (SQL `collect_list`). */
export const collectList = (x: ColumnOrName) => fn("collect_list", x);
/** Aggregate: the distinct values of `x` as an ARRAY, nulls skipped (SQL `collect_set`). */
export const collectSet = (x: ColumnOrName) => fn("collect_set", x);
/** Aggregate: the number of rows where the boolean `x` is true, BIGINT (SQL `count_if`). */
export const countIf = (x: ColumnOrName) => fn("count_if", x);
/** Aggregate: true when `x` is true on every row (SQL `bool_and`). */
export const boolAnd = (x: ColumnOrName) => fn("bool_and", x);
/** Aggregate: true when `x` is true on at least one row (SQL `bool_or`). */
export const boolOr = (x: ColumnOrName) => fn("bool_or", x);
/** In a rollup/cube/grouping sets aggregation: 1 where `x` is aggregated over (a subtotal row), else 0 (SQL `grouping`). */
export const grouping = (x: ColumnOrName) => fn("grouping", x);

// ── window functions ──────────────────────────────────────────────────────────
/** Window: 1, 2, 3… within each window partition in the window's order (SQL `row_number`). */
export const rowNumber = () => fn("row_number");
/** Window: rank with gaps after ties (1, 1, 3; SQL `rank`). */
export const rank = () => fn("rank");
/** Window: rank without gaps after ties (1, 1, 2; SQL `dense_rank`). */
export const denseRank = () => fn("dense_rank");
/** Window: (rank - 1) / (rows in partition - 1), a DOUBLE in [0, 1] (SQL `percent_rank`). */
export const percentRank = () => fn("percent_rank");
/** Window: the fraction of rows ordered at or before this one, DOUBLE (SQL `cume_dist`). */
export const cumeDist = () => fn("cume_dist");
/** Window: the bucket number 1…n the row falls in when the partition is split into `n` near-equal parts (SQL `ntile`). */
export const ntile = (n: number) => new Column(E.call("ntile", [toExpr(n)]));
/** Window: the value of `x` `offset` rows before this one, or `defaultValue` past the partition's start (SQL `lag`). */
export const lag = (x: ColumnOrName, offset = 1, defaultValue: unknown = null) =>
  new Column(E.call("lag", [c(x), toExpr(offset), toExpr(defaultValue)]));
/** Window: the value of `x` `offset` rows after this one, or `defaultValue` past the partition's end (SQL `lead`). */
export const lead = (x: ColumnOrName, offset = 1, defaultValue: unknown = null) =>
  new Column(E.call("lead", [c(x), toExpr(offset), toExpr(defaultValue)]));
/** Window: the value of `x` on the n-th row (1-based) of the window frame; `ignoreNulls` counts only non-null rows (SQL `nth_value`). */
export const nthValue = (x: ColumnOrName, n: number, ignoreNulls = false) =>
  new Column(E.call("nth_value", [c(x), toExpr(n), toExpr(ignoreNulls)]));

// ── strings ───────────────────────────────────────────────────────────────────
/** The string in upper case (SQL `upper`). */
export const upper = (x: ColumnOrName) => fn("upper", x);
/** The string in lower case (SQL `lower`). */
export const lower = (x: ColumnOrName) => fn("lower", x);
/** Each word's first letter upper case, the rest lower (SQL `initcap`). */
export const initcap = (x: ColumnOrName) => fn("initcap", x);
/** The string without leading and trailing spaces (SQL `trim`). */
export const trim = (x: ColumnOrName) => fn("trim", x);
/** The string without leading spaces (SQL `ltrim`). */
export const ltrim = (x: ColumnOrName) => fn("ltrim", x);
/** The string without trailing spaces (SQL `rtrim`). */
export const rtrim = (x: ColumnOrName) => fn("rtrim", x);
/** Characters in a string (or bytes in a binary), INT; trailing spaces count (SQL `length`). */
export const length = (x: ColumnOrName) => fn("length", x);
/** The string (or array) in reverse order (SQL `reverse`). */
export const reverse = (x: ColumnOrName) => fn("reverse", x);
/** The strings (or arrays, or binaries) joined end to end; null if any is null (SQL `concat`). */
export const concat = (...cols: ColumnOrName[]) => fn("concat", ...cols);
/** The strings joined with `sep`, nulls skipped (SQL `concat_ws`). */
export const concatWs = (sep: string, ...cols: ColumnOrName[]) =>
  new Column(E.call("concat_ws", [toExpr(sep), ...cols.map(c)]));
/** `len` characters from 1-based position `pos` (negative counts from the end; SQL `substring`). */
export const substring = (x: ColumnOrName, pos: number, len: number) =>
  new Column(E.call("substring", [c(x), toExpr(pos), toExpr(len)]));
/** The text before the `n`-th occurrence of `delim` (from the end when `n` < 0; SQL `substring_index`). */
export const substringIndex = (x: ColumnOrName, delim: string, n: number) =>
  new Column(E.call("substring_index", [c(x), toExpr(delim), toExpr(n)]));
/** The string left-padded with `pad` (or cut) to `len` characters (SQL `lpad`). */
export const lpad = (x: ColumnOrName, len: number, pad: string) =>
  new Column(E.call("lpad", [c(x), toExpr(len), toExpr(pad)]));
/** The string right-padded with `pad` (or cut) to `len` characters (SQL `rpad`). */
export const rpad = (x: ColumnOrName, len: number, pad: string) =>
  new Column(E.call("rpad", [c(x), toExpr(len), toExpr(pad)]));
/** The string repeated `n` times (SQL `repeat`). */
export const repeat = (x: ColumnOrName, n: number) => new Column(E.call("repeat", [c(x), toExpr(n)]));
/** The string split around matches of the Java regex `pattern` into an ARRAY<STRING>; `limit` > 0 caps the parts, -1 keeps all (SQL `split`). */
export const split = (x: ColumnOrName, pattern: string, limit = -1) =>
  new Column(E.call("split", [c(x), toExpr(pattern), toExpr(limit)]));
/** Every match of the Java regex `pattern` replaced by `replacement` (`$1` refers to a group; SQL `regexp_replace`). */
export const regexpReplace = (x: ColumnOrName, pattern: string, replacement: string) =>
  new Column(E.call("regexp_replace", [c(x), toExpr(pattern), toExpr(replacement)]));
/** Group `idx` of the first match of the Java regex `pattern` (0 = whole match), "" when there is none (SQL `regexp_extract`). */
export const regexpExtract = (x: ColumnOrName, pattern: string, idx: number) =>
  new Column(E.call("regexp_extract", [c(x), toExpr(pattern), toExpr(idx)]));
/** Each character of `matching` replaced by the character at the same place in `replace` (dropped when `replace` is shorter; SQL `translate`). */
export const translate = (x: ColumnOrName, matching: string, replace: string) =>
  new Column(E.call("translate", [c(x), toExpr(matching), toExpr(replace)]));
/** 1-based position of the first `substr` in the string, 0 when absent (SQL `instr`). */
export const instr = (x: ColumnOrName, substr: string) => new Column(E.call("instr", [c(x), toExpr(substr)]));
/** 1-based position of the first `substr` at or after `pos`, 0 when absent (SQL `locate`). */
export const locate = (substr: string, x: ColumnOrName, pos = 1) =>
  new Column(E.call("locate", [toExpr(substr), c(x), toExpr(pos)]));
/** printf-style formatting (Java `String.format`) of the columns (SQL `format_string`). */
export const formatString = (format: string, ...cols: ColumnOrName[]) =>
  new Column(E.call("format_string", [toExpr(format), ...cols.map(c)]));
/** The number formatted like `#,###,###.##` with `d` decimals, as a string (SQL `format_number`). */
export const formatNumber = (x: ColumnOrName, d: number) =>
  new Column(E.call("format_number", [c(x), toExpr(d)]));
/** The code point of the string's first character, INT (SQL `ascii`). */
export const ascii = (x: ColumnOrName) => fn("ascii", x);
/** The binary (or UTF-8 string) as base64 text (SQL `base64`). */
export const base64 = (x: ColumnOrName) => fn("base64", x);
/** The base64 text decoded to BINARY (SQL `unbase64`). */
export const unbase64 = (x: ColumnOrName) => fn("unbase64", x);
/** The Soundex code of the string (SQL `soundex`). */
export const soundex = (x: ColumnOrName) => fn("soundex", x);
/** The Levenshtein edit distance between two strings, INT (SQL `levenshtein`). */
export const levenshtein = (a: ColumnOrName, b: ColumnOrName) => fn("levenshtein", a, b);

// ── dates and times (the session time zone applies; Kindling's local server uses UTC) ──
/** Today's DATE in the session time zone, fixed for the whole query (SQL `current_date`). */
export const currentDate = () => fn("current_date");
/** The query start time as a TIMESTAMP, fixed for the whole query (SQL `current_timestamp`). */
export const currentTimestamp = () => fn("current_timestamp");
/** The string parsed to a DATE, with a datetime pattern (`yyyy-MM-dd` style) when given (SQL `to_date`); null or an error (ANSI) when it does not parse. */
export const toDate = (x: ColumnOrName, format?: string) =>
  new Column(E.call("to_date", format === undefined ? [c(x)] : [c(x), toExpr(format)]));
/** The string parsed to a TIMESTAMP, with a datetime pattern when given (SQL `to_timestamp`); null or an error (ANSI) when it does not parse. */
export const toTimestamp = (x: ColumnOrName, format?: string) =>
  new Column(E.call("to_timestamp", format === undefined ? [c(x)] : [c(x), toExpr(format)]));
/** The date/timestamp as text in a datetime pattern (`yyyy-MM-dd HH:mm`; SQL `date_format`). */
export const dateFormat = (x: ColumnOrName, format: string) =>
  new Column(E.call("date_format", [c(x), toExpr(format)]));
/** The year of a date/timestamp, INT (SQL `year`). */
export const year = (x: ColumnOrName) => fn("year", x);
/** The quarter (1–4) of a date/timestamp (SQL `quarter`). */
export const quarter = (x: ColumnOrName) => fn("quarter", x);
/** The month (1–12) of a date/timestamp (SQL `month`). */
export const month = (x: ColumnOrName) => fn("month", x);
/** The day of the month (1–31) (SQL `dayofmonth`). */
export const dayofmonth = (x: ColumnOrName) => fn("dayofmonth", x);
/** The day of the week, 1 = Sunday … 7 = Saturday (SQL `dayofweek`). */
export const dayofweek = (x: ColumnOrName) => fn("dayofweek", x);
/** The day of the year (1–366) (SQL `dayofyear`). */
export const dayofyear = (x: ColumnOrName) => fn("dayofyear", x);
/** The ISO-8601 week of the year (1–53) (SQL `weekofyear`). */
export const weekofyear = (x: ColumnOrName) => fn("weekofyear", x);
/** The hour (0–23) of a timestamp, in the session time zone (SQL `hour`). */
export const hour = (x: ColumnOrName) => fn("hour", x);
/** The minute (0–59) of a timestamp (SQL `minute`). */
export const minute = (x: ColumnOrName) => fn("minute", x);
/** The second (0–59) of a timestamp (SQL `second`). */
export const second = (x: ColumnOrName) => fn("second", x);
/** The date `days` days later (negative: earlier; SQL `date_add`). */
export const dateAdd = (x: ColumnOrName, days: number | Column) =>
  new Column(E.call("date_add", [c(x), toExpr(days)]));
/** The date `days` days earlier (SQL `date_sub`). */
export const dateSub = (x: ColumnOrName, days: number | Column) =>
  new Column(E.call("date_sub", [c(x), toExpr(days)]));
/** Days from `start` to `end`, INT (negative when `end` is earlier; SQL `datediff`). */
export const datediff = (end: ColumnOrName, start: ColumnOrName) => fn("datediff", end, start);
/** The date `n` months later; the day is clamped to the month's end (SQL `add_months`). */
export const addMonths = (x: ColumnOrName, n: number) => new Column(E.call("add_months", [c(x), toExpr(n)]));
/** Months between two dates/timestamps as a DOUBLE (fractional by a 31-day month; SQL `months_between`). */
export const monthsBetween = (a: ColumnOrName, b: ColumnOrName) => fn("months_between", a, b);
/** The last day of the date's month (SQL `last_day`). */
export const lastDay = (x: ColumnOrName) => fn("last_day", x);
/** The date truncated to a unit: `year`, `quarter`, `month`, `week` (SQL `trunc`). */
export const truncDate = (x: ColumnOrName, format: string) =>
  new Column(E.call("trunc", [c(x), toExpr(format)]));
/** The timestamp truncated to a unit: `year` … `second`, `week`, `quarter` (SQL `date_trunc`). */
export const dateTrunc = (format: string, x: ColumnOrName) =>
  new Column(E.call("date_trunc", [toExpr(format), c(x)]));
/** Seconds since 1970-01-01 UTC, BIGINT: of `x` parsed with `format`, or of now without arguments (SQL `unix_timestamp`). */
export const unixTimestamp = (x?: ColumnOrName, format = "yyyy-MM-dd HH:mm:ss") =>
  new Column(E.call("unix_timestamp", x === undefined ? [] : [c(x), toExpr(format)]));
/** Seconds since 1970-01-01 UTC as text in `format`, in the session time zone (SQL `from_unixtime`). */
export const fromUnixtime = (x: ColumnOrName, format = "yyyy-MM-dd HH:mm:ss") =>
  new Column(E.call("from_unixtime", [c(x), toExpr(format)]));
/** Reads a timestamp as UTC wall time and shifts it to the wall time of zone `tz` (SQL `from_utc_timestamp`). */
export const fromUtcTimestamp = (x: ColumnOrName, tz: string) =>
  new Column(E.call("from_utc_timestamp", [c(x), toExpr(tz)]));
/** Reads a timestamp as wall time in zone `tz` and shifts it to UTC wall time (SQL `to_utc_timestamp`). */
export const toUtcTimestamp = (x: ColumnOrName, tz: string) =>
  new Column(E.call("to_utc_timestamp", [c(x), toExpr(tz)]));

// ── math ──────────────────────────────────────────────────────────────────────
/** The absolute value (SQL `abs`); ANSI mode throws on the smallest integer. */
export const abs = (x: ColumnOrName) => fn("abs", x);
/** The square root, DOUBLE; NaN for negatives (SQL `sqrt`). */
export const sqrt = (x: ColumnOrName) => fn("sqrt", x);
/** The cube root, DOUBLE (SQL `cbrt`). */
export const cbrt = (x: ColumnOrName) => fn("cbrt", x);
/** e raised to `x`, DOUBLE (SQL `exp`). */
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
/** The base-10 logarithm, DOUBLE; null for values ≤ 0 (SQL `log10`). */
export const log10 = (x: ColumnOrName) => fn("log10", x);
/** The base-2 logarithm, DOUBLE; null for values ≤ 0 (SQL `log2`). */
export const log2 = (x: ColumnOrName) => fn("log2", x);
/** `a` raised to `b`, DOUBLE (SQL `power`). */
export const pow = (a: ColumnOrName, b: ColumnOrValue) => new Column(E.call("power", [c(a), toExpr(b)]));
/** Rounded to `scale` decimals, half away from zero (negative scale rounds left of the point; SQL `round`). */
export const round = (x: ColumnOrName, scale = 0) => new Column(E.call("round", [c(x), toExpr(scale)]));
/** Rounded to `scale` decimals, half to even (banker's rounding; SQL `bround`). */
export const bround = (x: ColumnOrName, scale = 0) => new Column(E.call("bround", [c(x), toExpr(scale)]));
/** The largest integer ≤ `x` (BIGINT for doubles, DECIMAL for decimals; SQL `floor`). */
export const floor = (x: ColumnOrName) => fn("floor", x);
/** The smallest integer ≥ `x` (SQL `ceil`). */
export const ceil = (x: ColumnOrName) => fn("ceil", x);
/** -1.0, 0.0 or 1.0 by the sign of `x` (SQL `signum`). */
export const signum = (x: ColumnOrName) => fn("signum", x);
/** The sine of an angle in radians, DOUBLE (SQL `sin`). */
export const sin = (x: ColumnOrName) => fn("sin", x);
/** The cosine of an angle in radians, DOUBLE (SQL `cos`). */
export const cos = (x: ColumnOrName) => fn("cos", x);
/** The tangent of an angle in radians, DOUBLE (SQL `tan`). */
export const tan = (x: ColumnOrName) => fn("tan", x);
/** The angle in radians of the point (`b`, `a`) = atan(a / b) in the right quadrant, DOUBLE (SQL `atan2(a, b)`). */
export const atan2 = (a: ColumnOrName, b: ColumnOrName) => fn("atan2", a, b);
/** Radians converted to degrees (SQL `degrees`). */
export const degrees = (x: ColumnOrName) => fn("degrees", x);
/** Degrees converted to radians (SQL `radians`). */
export const radians = (x: ColumnOrName) => fn("radians", x);
/** The positive remainder of `a` / `b` (SQL `pmod`). */
export const pmod = (a: ColumnOrName, b: ColumnOrValue) => new Column(E.call("pmod", [c(a), toExpr(b)]));

// ── collections and JSON ──────────────────────────────────────────────────────
/** Elements in an array or entries in a map, INT; null for a null input (-1 under `spark.sql.legacy.sizeOfNull` with ANSI mode off; SQL `size`). */
export const size = (x: ColumnOrName) => fn("size", x);
/** One output row per array element (column `col`) or map entry (`key`, `value`); null and empty collections give no row (SQL `explode`). */
export const explode = (x: ColumnOrName) => fn("explode", x);
/** As {@link explode}, but a null or empty collection gives one row with null (SQL `explode_outer`). */
export const explodeOuter = (x: ColumnOrName) => fn("explode_outer", x);
/** True when the array holds `value`, null when the array is null (SQL `array_contains`). */
export const arrayContains = (x: ColumnOrName, value: unknown) =>
  new Column(E.call("array_contains", [c(x), toExpr(value)]));
/** The array without duplicate elements (SQL `array_distinct`). */
export const arrayDistinct = (x: ColumnOrName) => fn("array_distinct", x);
/** The array sorted ascending (nulls first) or descending (nulls last) (SQL `sort_array`). */
export const sortArray = (x: ColumnOrName, ascending = true) =>
  new Column(E.call("sort_array", [c(x), toExpr(ascending)]));
/** The array element at 1-based index `key` (negative counts from the end) or the map's value for `key` (SQL `element_at`); ANSI mode throws on an index out of range. */
export const elementAt = (x: ColumnOrName, key: unknown) =>
  new Column(E.call("element_at", [c(x), toExpr(key)]));
/** The map's keys as an ARRAY (SQL `map_keys`). */
export const mapKeys = (x: ColumnOrName) => fn("map_keys", x);
/** The map's values as an ARRAY (SQL `map_values`). */
export const mapValues = (x: ColumnOrName) => fn("map_values", x);
/** A struct, array or map column as JSON text (SQL `to_json`). */
export const toJson = (x: ColumnOrName) => fn("to_json", x);
/** JSON text parsed into the type given as DDL (`"a INT, b STRING"`); null where it does not parse (SQL `from_json`). */
export const fromJson = (x: ColumnOrName, schema: string) =>
  new Column(E.call("from_json", [c(x), toExpr(schema)]));
/** The value at a JSONPath (`$.a.b[0]`) of JSON text, as a string (SQL `get_json_object`). */
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
