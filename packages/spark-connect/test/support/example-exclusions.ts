/**
 * Functions whose Spark examples are not compared (SQL text vs wrapper call), each with the
 * reason. Reviewed: the conformance test fails if a function with examples has none comparable
 * and is missing here, and if an entry's examples now all agree (except the nondeterministic ones,
 * which may agree by chance).
 */
const group = (reason: string, names: string) =>
  Object.fromEntries(
    names
      .trim()
      .split(/\s+/)
      .map((n) => [n, reason]),
  );

export const NONDETERMINISTIC = "nondeterministic";

export const EXAMPLE_EXCLUSIONS: Record<string, string> = {
  ...group(
    `${NONDETERMINISTIC}: the clock, a random value or a random UUID differ between any two runs`,
    "current_timestamp localtimestamp now unix_timestamp rand randn random shuffle uuid java_method reflect try_reflect",
  ),
  ...group(
    "depends on the partition that holds the row, which differs between SQL's one-row relation and the DataFrame's",
    "monotonically_increasing_id spark_partition_id",
  ),
  ...group(
    "window functions: every example needs an OVER (...) clause around the call",
    "cume_dist dense_rank lag lead nth_value ntile percent_rank rank row_number",
  ),
  ...group(
    "sketches: the examples nest the sketch aggregate inside an estimate/merge/to-string call (sketch bytes alone are not comparable)",
    `approx_top_k_accumulate approx_top_k_combine bitmap_and_agg bitmap_construct_agg bitmap_or_agg
    count_min_sketch hll_sketch_agg hll_union hll_union_agg kll_merge_agg_bigint kll_merge_agg_double
    kll_merge_agg_float kll_sketch_agg_bigint kll_sketch_agg_double kll_sketch_agg_float
    kll_sketch_get_quantile_bigint kll_sketch_get_quantile_double kll_sketch_get_quantile_float
    kll_sketch_get_rank_bigint kll_sketch_get_rank_double kll_sketch_get_rank_float kll_sketch_merge_bigint
    kll_sketch_merge_double kll_sketch_merge_float kll_sketch_to_string_bigint kll_sketch_to_string_double
    kll_sketch_to_string_float theta_difference theta_intersection theta_intersection_agg theta_sketch_agg
    theta_union theta_union_agg tuple_difference_double tuple_difference_integer tuple_difference_theta_double
    tuple_difference_theta_integer tuple_intersection_agg_double tuple_intersection_agg_integer
    tuple_intersection_double tuple_intersection_integer tuple_intersection_theta_double
    tuple_intersection_theta_integer tuple_sketch_agg_double tuple_sketch_agg_integer tuple_union_agg_double
    tuple_union_agg_integer tuple_union_double tuple_union_integer tuple_union_theta_double
    tuple_union_theta_integer`,
  ),
  ...group(
    "the examples wrap the call in another expression (`IS NULL`, `base64(...)`, `typeof(...)`, `hex(...)`, `st_asbinary(...)`), so no example is the call alone",
    "aes_encrypt from_avro to_avro from_protobuf to_protobuf randstr space st_asbinary st_geogfromwkb st_geomfromwkb st_setsrid unhex uniform variant_explode variant_explode_outer",
  ),
  ...group("the examples need GROUP BY CUBE/ROLLUP around the call", "grouping grouping_id"),
  ...group(
    "the examples group by the time window the call makes (GROUP BY window(...))",
    "session_window window window_time",
  ),
  ...group(
    "SQL syntax: WITHIN GROUP (ORDER BY …) or a metric view's MEASURE, not a plain call",
    "percentile_cont percentile_disc measure",
  ),
  ...group(
    "SQL syntax: `extract(YEAR FROM ts)`, `overlay(x PLACING y FROM n)`, `CAST(x AS type)`, `x IN (…)`, CASE WHEN",
    "extract overlay cast in when",
  ),
  ...group(
    "the examples use the operator form (`a AND b`, `NOT a`, `x BETWEEN a AND b`, `a div b`, `s COLLATE c`)",
    "and or not between div collate",
  ),
  dateadd:
    "the examples use the two-argument form (date_add's); the wrapper takes the three-argument form (unit, quantity, timestamp)",
};
