import { type Column, Decimal, functions as F } from "@kindling/spark-connect";

/**
 * A scalar from a spec (a YAML string, number or boolean, or null) as a Spark literal typed the
 * way Spark SQL types the same value written as text: an integer is INT (BIGINT past 32 bits), a
 * number with a fraction is an exact DECIMAL (`1.5` is DECIMAL(2,1), not DOUBLE), a number JS
 * writes with an exponent (`1e+21`) is DOUBLE. So a `range` bound, an accepted value or a null
 * default compares and coalesces as it did when these were SQL text.
 */
export function specLiteral(value: string | number | boolean | null): Column {
  if (
    typeof value === "number" &&
    Number.isFinite(value) &&
    !Number.isSafeInteger(value) &&
    !/e/i.test(String(value))
  )
    return F.lit(new Decimal(String(value)));
  return F.lit(value);
}
