/**
 * The reviewed choices of the wrapper generator: family files, signatures written by hand where
 * Spark's usage text is SQL syntax or misleading, and the named functions deliberately left out.
 */

/** Family file (src/functions/<key>.ts) → what it holds. */
export const FAMILY_FILES: Record<string, string> = {
  string: "String functions",
  math: "Math and bitwise functions",
  datetime: "Date, time and interval functions",
  collection: "Array, map, struct, generator and higher-order (lambda) functions",
  aggregate: "Aggregate functions",
  sketch: "Sketch aggregates and their scalar helpers (HLL, theta, KLL, tuple, count-min)",
  formats: "JSON, CSV, XML, variant, Avro, Protobuf and URL functions",
  predicate: "Predicates, conditionals and type conversions",
  misc: "Hashes, encryption, geospatial, vectors and other functions",
};

const GROUP_FAMILY: Record<string, string> = {
  string_funcs: "string",
  math_funcs: "math",
  bitwise_funcs: "math",
  datetime_funcs: "datetime",
  array_funcs: "collection",
  map_funcs: "collection",
  collection_funcs: "collection",
  lambda_funcs: "collection",
  struct_funcs: "collection",
  generator_funcs: "collection",
  agg_funcs: "aggregate",
  sketch_funcs: "sketch",
  window_funcs: "window",
  json_funcs: "formats",
  csv_funcs: "formats",
  xml_funcs: "formats",
  variant_funcs: "formats",
  avro_funcs: "formats",
  protobuf_funcs: "formats",
  url_funcs: "formats",
  predicate_funcs: "predicate",
  conditional_funcs: "predicate",
  conversion_funcs: "predicate",
};

/** The family file of a function, from its ExpressionInfo group. */
export function familyOf(sqlName: string, group: string): string {
  if (sqlName.startsWith("variant_explode")) return "formats";
  return GROUP_FAMILY[group] ?? "misc";
}

/**
 * Hand-written wrappers in core.ts whose name is not the camelCase of the SQL function they call
 * (or that call several), so the generator knows those SQL functions are covered.
 */
export const HAND_WRITTEN_ALIASES: Record<string, string[]> = {
  log: ["ln", "log"],
  pow: ["power", "pow"],
  createMap: ["map"],
  truncDate: ["trunc"],
  countDistinct: [],
  sumDistinct: [],
  approxCountDistinct: ["approx_count_distinct"],
  when: ["when"],
  cast: ["cast"],
};

/**
 * Signatures written by hand (`name:kind`, `?` optional, `...` rest; kinds col | lit | fn) where the
 * usage text is SQL syntax (`trim(BOTH trimStr FROM str)`), has no `name(args)` form, or reads a
 * constant as a column.
 */
export const OVERRIDES: Record<string, string> = {
  and: "left:col, right:col",
  or: "left:col, right:col",
  not: "expr:col",
  between: "expr:col, lower:lit, upper:lit",
  like: "str:col, pattern:lit, escapeChar?:lit",
  ilike: "str:col, pattern:lit, escapeChar?:lit",
  rlike: "str:col, regexp:lit",
  regexp: "str:col, regexp:lit",
  regexp_like: "str:col, regexp:lit",
  div: "left:col, right:col",
  shiftleft: "base:col, n:lit",
  shiftright: "base:col, n:lit",
  shiftrightunsigned: "base:col, n:lit",
  concat_ws: "sep:lit, ...cols:col",
  listagg: "expr:col, delimiter?:lit",
  string_agg: "expr:col, delimiter?:lit",
  percentile_cont: "percentage:lit, orderBy:col",
  percentile_disc: "percentage:lit, orderBy:col",
  in: "expr:col, ...values:lit",
  trim: "str:col, trimStr?:lit",
  btrim: "str:col, trimStr?:lit",
  position: "substr:lit, str:col, pos?:lit",
  overlay: "input:col, replace:col, pos:lit, len?:lit",
  extract: "field:lit, source:col",
  date_part: "field:lit, source:col",
  datepart: "field:lit, source:col",
  timestampadd: "unit:lit, quantity:lit, timestamp:col",
  dateadd: "unit:lit, quantity:lit, timestamp:col",
  timestampdiff: "unit:lit, startTimestamp:col, endTimestamp:col",
  datediff: "endDate:col, startDate:col",
  date_diff: "endDate:col, startDate:col",
  named_struct: "...namesAndValues:lit",
  stack: "n:lit, ...exprs:col",
  java_method: "className:lit, method:lit, ...args:col",
  reflect: "className:lit, method:lit, ...args:col",
  try_reflect: "className:lit, method:lit, ...args:col",
  count_min_sketch: "col:col, eps:lit, confidence:lit, seed:lit",
  decode: "expr:col, ...charsetOrSearchesAndResults:lit",
  convert_timezone: "sourceTz:lit, targetTz:lit, sourceTs:col",
  grouping_id: "...cols:col",
  sequence: "start:col, stop:col, step?:col",
  slice: "x:col, start:lit, length:lit",
  arrays_zip: "...arrays:col",
  json_tuple: "jsonStr:col, ...fields:lit",
  parse_url: "url:col, partToExtract:lit, key?:lit",
  try_parse_url: "url:col, partToExtract:lit, key?:lit",
  approx_top_k: "expr:col, k?:lit, maxItemsTracked?:lit",
  map_contains_key: "map:col, key:lit",
  uniform: "min:lit, max:lit, seed?:lit",
  width_bucket: "value:col, minValue:col, maxValue:col, numBucket:lit",
  aggregate: "expr:col, start:lit, merge:fn, finish?:fn",
  reduce: "expr:col, start:lit, merge:fn, finish?:fn",
  array_sort: "expr:col, func?:fn",
  map_zip_with: "map1:col, map2:col, func:fn",
  from_avro: "child:col, jsonFormatSchema:lit, options?:lit",
  to_avro: "child:col, jsonFormatSchema?:lit",
  schema_of_avro: "jsonFormatSchema:lit, options?:lit",
  from_protobuf: "data:col, messageName:lit, descFilePath?:lit, options?:lit",
  to_protobuf: "child:col, messageName:lit, descFilePath?:lit, options?:lit",
};

/** Named functions left without a wrapper, with the reason (each counts as missing). */
export const NOT_WRAPPED: Record<string, string> = {
  case: "SQL syntax (CASE … WHEN … END), not a callable function: use `when(...).otherwise(...)`",
  range: "a table-valued function: use `spark.range`",
  collations: "a table-valued function: use `spark.sql('SELECT * FROM collations()')`",
  sql_keywords: "a table-valued function: use `spark.sql('SELECT * FROM sql_keywords()')`",
  python_worker_logs: "a table-valued function of PySpark's worker logs, meaningless without Python UDFs",
};

const ONE = "x:col";
/**
 * The parameters of the hand-written wrappers in core.ts, by SQL name (same notation as
 * OVERRIDES), so the conformance test can call them from Spark's examples like generated ones.
 */
export const CORE_SIGNATURES: Record<string, string> = {
  ...Object.fromEntries(
    `abs any_value ascii avg base64 bool_and bool_or cbrt ceil collect_list collect_set cos count
    count_if dayofmonth dayofweek dayofyear degrees exp explode explode_outer floor grouping hour
    initcap isnan isnull kurtosis last_day length ln log10 log2 lower ltrim map_keys map_values max
    md5 mean median min minute month quarter radians reverse rtrim second signum sin size skewness
    soundex sqrt stddev stddev_pop stddev_samp sum tan to_json trim unbase64 upper var_pop variance
    weekofyear year`
      .split(/\s+/)
      .map((n) => [n, ONE]),
  ),
  ...Object.fromEntries(
    "array coalesce concat greatest hash least map struct xxhash64".split(" ").map((n) => [n, "...cols:col"]),
  ),
  ...Object.fromEntries(
    "atan2 corr covar_samp datediff ifnull levenshtein max_by min_by months_between nanvl nullif"
      .split(" ")
      .map((n) => [n, "a:col, b:col"]),
  ),
  ...Object.fromEntries(
    "cume_dist current_date current_timestamp dense_rank input_file_name monotonically_increasing_id percent_rank rank row_number spark_partition_id"
      .split(" ")
      .map((n) => [n, ""]),
  ),
  add_months: "x:col, n:lit",
  approx_count_distinct: "x:col, rsd?:lit",
  array_contains: "x:col, value:lit",
  array_distinct: ONE,
  bround: "x:col, scale?:lit",
  concat_ws: "sep:lit, ...cols:col",
  date_add: "x:col, days:lit",
  date_sub: "x:col, days:lit",
  date_format: "x:col, format:lit",
  date_trunc: "format:lit, x:col",
  element_at: "x:col, key:lit",
  filter: "x:col, f:fn",
  first: "x:col, ignoreNulls?:lit",
  last: "x:col, ignoreNulls?:lit",
  format_number: "x:col, d:lit",
  format_string: "format:lit, ...cols:col",
  from_json: "x:col, schema:lit",
  from_unixtime: "x:col, format?:lit",
  from_utc_timestamp: "x:col, tz:lit",
  to_utc_timestamp: "x:col, tz:lit",
  get_json_object: "x:col, path:lit",
  instr: "x:col, substr:lit",
  lag: "x:col, offset?:lit, defaultValue?:lit",
  lead: "x:col, offset?:lit, defaultValue?:lit",
  locate: "substr:lit, x:col, pos?:lit",
  log: "base:lit, x:col",
  lpad: "x:col, len:lit, pad:lit",
  rpad: "x:col, len:lit, pad:lit",
  nth_value: "x:col, n:lit, ignoreNulls?:lit",
  ntile: "n:lit",
  percentile_approx: "x:col, percentage:lit, accuracy?:lit",
  pmod: "a:col, b:lit",
  pow: "a:col, b:lit",
  power: "a:col, b:lit",
  rand: "seed?:lit",
  randn: "seed?:lit",
  regexp_extract: "x:col, pattern:lit, idx:lit",
  regexp_replace: "x:col, pattern:lit, replacement:lit",
  repeat: "x:col, n:lit",
  round: "x:col, scale?:lit",
  sha2: "x:col, bits:lit",
  sort_array: "x:col, ascending?:lit",
  split: "x:col, pattern:lit, limit?:lit",
  substring: "x:col, pos:lit, len:lit",
  substring_index: "x:col, delim:lit, n:lit",
  to_date: "x:col, format?:lit",
  to_timestamp: "x:col, format?:lit",
  transform: "x:col, f:fn",
  translate: "x:col, matching:lit, replace:lit",
  trunc: "x:col, format:lit",
  unix_timestamp: "x?:col, format?:lit",
};
