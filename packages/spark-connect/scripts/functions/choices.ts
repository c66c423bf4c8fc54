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

/** How a generated doc comment names each ExpressionInfo group (`a string function of Spark SQL`). */
export const GROUP_WORDS: Record<string, string> = {
  agg_funcs: "an aggregate function",
  array_funcs: "an array function",
  avro_funcs: "an Avro function",
  bitwise_funcs: "a bitwise function",
  collection_funcs: "a collection function",
  conditional_funcs: "a conditional function",
  conversion_funcs: "a type conversion function",
  csv_funcs: "a CSV function",
  datetime_funcs: "a date/time function",
  generator_funcs: "a generator (row-producing) function",
  hash_funcs: "a hash function",
  json_funcs: "a JSON function",
  lambda_funcs: "a higher-order (lambda) function",
  map_funcs: "a map function",
  math_funcs: "a math function",
  misc_funcs: "a miscellaneous function",
  predicate_funcs: "a predicate",
  protobuf_funcs: "a Protobuf function",
  sketch_funcs: "a sketch function",
  st_funcs: "a geospatial (ST) function",
  string_funcs: "a string function",
  struct_funcs: "a struct function",
  url_funcs: "a URL function",
  variant_funcs: "a variant function",
  vector_funcs: "a vector function",
  window_funcs: "a window function",
  xml_funcs: "an XML function",
};

/**
 * One-line summaries, written for this project from what each function does (not taken from
 * Spark's docs), of the most used generated wrappers. The generator puts the summary first in
 * the wrapper's doc comment; the other wrappers are described by their facts alone.
 */
export const SUMMARIES: Record<string, string> = {
  // strings
  btrim: "Strips a set of characters (blanks when none is given) from both ends of a string.",
  contains: "Tells whether the first string or binary value has the second one somewhere inside it.",
  startswith: "Tells whether a string or binary value begins with the given prefix.",
  endswith: "Tells whether a string or binary value finishes with the given suffix.",
  left: "Takes the first `len` characters of a string (all of it when it is shorter).",
  right: "Takes the last `len` characters of a string (all of it when it is shorter).",
  replace:
    "Swaps every occurrence of a search text for a replacement text (drops it when no replacement is given).",
  split_part:
    "Cuts a string at each delimiter and picks one piece by its 1-based number (a negative number counts from the end).",
  regexp_count: "Counts the matches of a Java regular expression in a string.",
  regexp_extract_all: "Collects, as an array, one capture group of every match of a regular expression.",
  regexp_substr: "The first piece of a string matched by a regular expression, or NULL when nothing matches.",
  position:
    "1-based index of the first occurrence of `substr` in `str` at or after `pos`; 0 when it never occurs.",
  char_length: "Number of characters in a string (bytes for a binary value), trailing blanks counted.",
  substr:
    "A piece of a string or binary value: `len` characters from 1-based `pos` (a negative `pos` counts from the end).",
  lcase: "Lower-cases every character of a string.",
  ucase: "Upper-cases every character of a string.",
  overlay:
    "Writes `replace` over the input from 1-based `pos`, covering `len` characters (the replacement's length by default).",
  to_number:
    "Reads text as a decimal by a format pattern such as '999.99'; text that does not fit the pattern is an error.",
  try_to_number:
    "Reads text as a decimal by a format pattern such as '999.99'; NULL for text that does not fit.",
  to_char: "Renders a number (or a date, or bytes) as text by a format pattern.",
  // math
  hex: "Hexadecimal text of a number, a string or a binary value.",
  unhex: "The bytes spelled by hexadecimal text (hex's inverse).",
  mod: "Remainder of dividing the first argument by the second; it takes the dividend's sign.",
  try_add: "Adds two values, giving NULL where the sum overflows instead of failing the query.",
  try_divide:
    "Divides the first value by the second, giving NULL for a zero divisor instead of failing the query.",
  sign: "-1.0, 0.0 or 1.0 by whether the value is negative, zero or positive.",
  factorial: "n! for n from 0 to 20, NULL for any other n.",
  conv: "Rewrites a number written as text in one base (2 to 36) in another base.",
  // dates and times
  day: "Day of the month (1 to 31) of a date or timestamp.",
  now: "The timestamp the query started at; every row of the query sees the same one.",
  make_date: "Builds a date from year, month and day values.",
  make_timestamp:
    "Builds a timestamp from year, month, day, hour, minute and a fractional second, in the session's or the given zone.",
  date_diff: "Number of days from `startDate` to `endDate` (negative when the end comes first).",
  date_part: "Picks one field (YEAR, MONTH, DOW, HOUR, …) out of a date, timestamp or interval.",
  extract: "Picks one field (YEAR, MONTH, DOW, HOUR, …) out of a date, timestamp or interval.",
  to_timestamp_ntz: "Parses text into a timestamp without time zone, by a pattern when one is given.",
  try_to_timestamp:
    "Parses text into a timestamp, by a pattern when one is given; NULL for text that does not parse.",
  unix_seconds: "Whole seconds from 1970-01-01T00:00:00Z to a timestamp (the fraction is dropped).",
  window:
    "Puts each row's timestamp into fixed (tumbling or sliding) time windows: a struct of start and end.",
  session_window:
    "Groups timestamps into sessions that close after a gap without events: a struct of start and end.",
  weekday: "Day of the week as a number: 0 for Monday up to 6 for Sunday.",
  dayname: "Three-letter English name of the weekday (Mon to Sun).",
  next_day: "The first date after the given one that falls on the named weekday.",
  convert_timezone: "Moves a timestamp without time zone from the wall clock of one zone to that of another.",
  // arrays, maps, structs
  array_append: "A copy of the array with one more element at its end.",
  array_prepend: "A copy of the array with one more element at its start.",
  array_compact: "The array with its NULL elements left out.",
  array_join:
    "Concatenates an array's elements into one string with a delimiter; NULLs are skipped unless a stand-in is given.",
  array_max: "The greatest non-NULL element of an array.",
  array_min: "The least non-NULL element of an array.",
  array_position: "1-based index of the first element equal to the value; 0 when no element is.",
  array_remove: "The array without the elements equal to the value.",
  array_union: "Every element found in either array, each once.",
  array_intersect: "The elements found in both arrays, each once.",
  array_except: "The elements of the first array that the second lacks, each once.",
  array_size: "Number of elements of an array.",
  flatten: "Joins an array of arrays into one array, in order.",
  exists: "Tells whether the lambda predicate holds for at least one element of the array.",
  forall: "Tells whether the lambda predicate holds for every element of the array.",
  aggregate:
    "Folds an array into one value: from `start`, `merge` combines the running value with each element; `finish` maps the end result.",
  reduce:
    "Folds an array into one value: from `start`, `merge` combines the running value with each element; `finish` maps the end result.",
  array_sort:
    "Sorts an array ascending with NULLs last, or by a comparator lambda giving a negative, zero or positive number.",
  zip_with: "Pairs two arrays position by position through a lambda; the shorter one is padded with NULLs.",
  sequence:
    "Array of the values from `start` to `stop`, both included, by `step`; for numbers, dates and timestamps.",
  slice: "`length` elements of an array from 1-based `start` (a negative `start` counts from the end).",
  get: "Element at a 0-based array index; NULL when the index is outside the array.",
  try_element_at: "Element at a 1-based array index or under a map key; NULL when there is none.",
  inline: "Turns an array of structs into rows, one column per struct field.",
  posexplode: "One row per array element or map entry, with the element's position as an extra column.",
  map_from_arrays: "Builds a map from an array of keys and an array of values of the same length.",
  map_filter: "Keeps the map entries for which the (key, value) lambda predicate holds.",
  map_contains_key: "Tells whether a map has the key.",
  transform_keys: "A map whose keys are rewritten by a lambda over (key, value).",
  transform_values: "A map whose values are rewritten by a lambda over (key, value).",
  named_struct: "Builds a struct from alternating field names and values.",
  str_to_map: "Splits text into a map by an entry delimiter and a key/value delimiter.",
  // aggregates
  any: "Tells whether the boolean is true for at least one row of the group.",
  some: "Tells whether the boolean is true for at least one row of the group.",
  every: "Tells whether the boolean is true for all rows of the group.",
  array_agg: "Gathers the group's non-NULL values into an array.",
  approx_percentile:
    "Estimated percentile (or array of percentiles) of a numeric column; a larger `accuracy` spends memory to shrink the error.",
  percentile: "Exact, interpolated percentile (or array of percentiles) of a numeric column.",
  mode: "The value that occurs most often in the group.",
  first_value: "The group's first value in arrival order, optionally passing over NULLs.",
  last_value: "The group's last value in arrival order, optionally passing over NULLs.",
  listagg: "Joins the group's non-NULL strings into one, with an optional separator between them.",
  string_agg: "Joins the group's non-NULL strings into one, with an optional separator between them.",
  std: "Sample standard deviation of the group's values.",
  var_samp: "Sample variance of the group's values.",
  covar_pop: "Population covariance of two numeric columns over the group.",
  try_sum: "Sum of the group's values; NULL where it overflows instead of failing the query.",
  try_avg: "Mean of the group's values; NULL where the sum overflows instead of failing the query.",
  // predicates and conditionals
  between: "Tells whether the value lies from `lower` to `upper`, both ends included.",
  like: "SQL LIKE match: `%` stands for any run of characters, `_` for exactly one.",
  ilike: "SQL LIKE match ignoring case: `%` stands for any run of characters, `_` for exactly one.",
  rlike: "Tells whether a Java regular expression matches somewhere in the string.",
  regexp_like: "Tells whether a Java regular expression matches somewhere in the string.",
  in: "Tells whether the value equals one of the listed values.",
  if: "The second argument where the condition is true, the third elsewhere.",
  nvl: "The first argument unless it is NULL, then the second.",
  nvl2: "The second argument where the first is not NULL, the third where it is.",
  equal_null: "Equality in which two NULLs are equal and NULL differs from every value.",
  isnotnull: "Tells whether the value is not NULL.",
  zeroifnull: "The value, with NULL replaced by 0.",
  nullifzero: "The value, with 0 replaced by NULL.",
  // formats, hashes, misc
  parse_json: "Parses JSON text into a VARIANT; malformed JSON is an error.",
  try_parse_json: "Parses JSON text into a VARIANT; NULL for malformed JSON.",
  variant_get: "Reads the value at a JSON path of a VARIANT, cast to the given type.",
  schema_of_json: "The schema (as DDL text) that Spark infers from one sample of JSON text.",
  json_array_length: "Number of elements of the outermost JSON array in the text.",
  json_tuple: "Reads several top-level fields out of JSON text at once, one output column per field.",
  parse_url: "One part (HOST, PATH, QUERY, …) of a URL, or the value of one query parameter.",
  url_encode: "Percent-encodes text for a URL query string (application/x-www-form-urlencoded).",
  url_decode: "Decodes percent-encoded URL query text (url_encode's inverse).",
  sha1: "SHA-1 digest of the value as 40 hexadecimal characters.",
  crc32: "CRC-32 checksum of the value as a BIGINT.",
  uuid: "A fresh random UUID string for each row.",
  typeof: "The Spark SQL type of the value, as DDL text.",
  assert_true: "NULL where the condition holds; fails the query where it does not.",
  raise_error: "Fails the query with the given message.",
  current_user: "Name of the user running the query.",
};
