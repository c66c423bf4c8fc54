/**
 * Join key types: two keys compare without an implicit cast when their types are of one family
 * (numbers with numbers, text with text, dates with timestamps). Across families Spark casts one
 * side implicitly, and under ANSI mode the first value that does not cast (a key `C-9` against an
 * int key) fails the whole run with CAST_INVALID_INPUT. The same check runs at `validate` (both
 * schemas declared) and when the pipeline is compiled (`plan`, `run`: Spark's resolved schemas).
 */

/** The comparison family of a Spark type in its short form (`int`, `decimal(12,2)`, `string`). */
export function keyTypeFamily(type: string): string {
  const t = type.toLowerCase();
  if (/^(tinyint|smallint|int|integer|bigint|float|double|decimal(\(.*\))?)$/.test(t)) return "number";
  if (/^(string|varchar\(.*\)|char\(.*\))$/.test(t)) return "text";
  if (/^(date|timestamp|timestamp_ntz|timestamp_ltz)$/.test(t)) return "datetime";
  return t;
}

/** True when comparing keys of these two types needs an implicit cast that can fail. */
export function keyTypesClash(left: string, right: string): boolean {
  return keyTypeFamily(left) !== keyTypeFamily(right);
}

/** What to tell the user when join key types clash: both types, and the `key_type` to set. */
export function joinKeyTypeMessage(
  key: string,
  leftType: string,
  leftWhere: string,
  right: string,
  rightType: string,
): string {
  const suggested =
    keyTypeFamily(leftType) === "text" || keyTypeFamily(rightType) === "text" ? "string" : leftType;
  return (
    `join key ${JSON.stringify(key)} is ${leftType} in ${leftWhere} but ${rightType} in lookup "${right}": ` +
    `Spark would cast one side implicitly and fail the run on the first key that does not cast. ` +
    `Set key_type: ${suggested} on the join (both sides are compared as that type; a key that does not cast matches nothing), ` +
    `or cast the column in a clean step first`
  );
}
