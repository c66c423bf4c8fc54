import { isPlainRecord } from "./arrow/rows.js";
import { SparkConnectError } from "./errors.js";
import type { Expression } from "./gen/spark/connect/expressions_pb.js";
import * as E from "./plan/expressions.js";
import { Decimal, isScalar, scalarLiteralExpr } from "./plan/literals.js";
import { type DataType, simpleString } from "./types.js";
import type { WindowSpec } from "./window.js";

/** Anything a Column operator accepts as its other operand: a Column or a JS value (made a literal). */
export type ColumnOrValue = Column | unknown;
/** A Column, or a column name. */
export type ColumnOrName = Column | string;

/**
 * An immutable column expression. Every method returns a new Column; nothing is sent to Spark
 * until a DataFrame action runs. Named after Spark's Scala `Column` API, in camelCase.
 */
export class Column {
  /** The protocol expression this column stands for (for advanced use: `df.plan` users). */
  readonly expr: Expression;

  constructor(expr: Expression) {
    this.expr = expr;
  }

  // ── arithmetic ────────────────────────────────────────────────────────────
  /** `this + other` (SQL `+`); ANSI mode throws on integer overflow. */
  plus(other: ColumnOrValue): Column {
    return binary("+", this, other);
  }
  /** `this - other` (SQL `-`); ANSI mode throws on integer overflow. */
  minus(other: ColumnOrValue): Column {
    return binary("-", this, other);
  }
  /** `this * other` (SQL `*`); ANSI mode throws on integer overflow. */
  multiply(other: ColumnOrValue): Column {
    return binary("*", this, other);
  }
  /**
   * `this / other` (SQL `/`): DOUBLE for integers, DECIMAL for decimals; division by zero is null, or an error in ANSI mode.
   */
  divide(other: ColumnOrValue): Column {
    return binary("/", this, other);
  }
  /** The remainder of `this / other`, with the sign of `this` (SQL `%`). */
  mod(other: ColumnOrValue): Column {
    return binary("%", this, other);
  }
  /** `-this` (SQL unary minus). */
  negate(): Column {
    return new Column(E.call("negative", [this.expr]));
  }

  // ── comparison ────────────────────────────────────────────────────────────
  /** `this = other` (SQL `=`); null when either side is null (see {@link Column.eqNullSafe}). */
  equalTo(other: ColumnOrValue): Column {
    return binary("==", this, other);
  }
  /** Same as {@link Column.equalTo}. */
  eq(other: ColumnOrValue): Column {
    return this.equalTo(other);
  }
  /** `this <> other`; null when either side is null. */
  notEqual(other: ColumnOrValue): Column {
    return binary("==", this, other).not();
  }
  /** Same as {@link Column.notEqual}. */
  ne(other: ColumnOrValue): Column {
    return this.notEqual(other);
  }
  /** Null-safe equality (`<=>`). */
  eqNullSafe(other: ColumnOrValue): Column {
    return binary("<=>", this, other);
  }
  /** `this > other`; null when either side is null. */
  gt(other: ColumnOrValue): Column {
    return binary(">", this, other);
  }
  /** `this >= other`; null when either side is null. */
  geq(other: ColumnOrValue): Column {
    return binary(">=", this, other);
  }
  /** `this < other`; null when either side is null. */
  lt(other: ColumnOrValue): Column {
    return binary("<", this, other);
  }
  /** `this <= other`; null when either side is null. */
  leq(other: ColumnOrValue): Column {
    return binary("<=", this, other);
  }
  /** `lower <= this AND this <= upper` (both ends included, SQL `BETWEEN`). */
  between(lower: ColumnOrValue, upper: ColumnOrValue): Column {
    return this.geq(lower).and(this.leq(upper));
  }

  // ── boolean logic ─────────────────────────────────────────────────────────
  /** Boolean AND with SQL's three-valued logic (false AND null is false). */
  and(other: ColumnOrValue): Column {
    return binary("and", this, other);
  }
  /** Boolean OR with SQL's three-valued logic (true OR null is true). */
  or(other: ColumnOrValue): Column {
    return binary("or", this, other);
  }
  /** Boolean NOT; null stays null. */
  not(): Column {
    return new Column(E.call("not", [this.expr]));
  }

  // ── predicates ────────────────────────────────────────────────────────────
  /** True where the value is null. */
  isNull(): Column {
    return new Column(E.call("isnull", [this.expr]));
  }
  /** True where the value is not null. */
  isNotNull(): Column {
    return new Column(E.call("isnotnull", [this.expr]));
  }
  /** True where the value is NaN (floating point); false for null. */
  isNaN(): Column {
    return new Column(E.call("isnan", [this.expr]));
  }
  /**
   * Marks a reference to a column of the outer query inside a lateral join's right side or a
   * correlated subquery (PySpark 4 `Column.outer`). Spark Connect sends the same expression: the
   * server resolves a name the inner plan lacks against the outer plan, so this returns an equal
   * Column; call it anyway, it says what the reference is and matches PySpark code.
   */
  outer(): Column {
    return new Column(this.expr);
  }
  /**
   * True where the value equals one of `values` (SQL `IN`); an array as the only argument is spread. Null when no value matches and any side is null.
   */
  isin(...values: ColumnOrValue[]): Column {
    const list = values.length === 1 && Array.isArray(values[0]) ? (values[0] as unknown[]) : values;
    return new Column(E.call("in", [this.expr, ...list.map(toExpr)]));
  }
  /** SQL `LIKE`: `%` matches any run of characters, `_` one character; case-sensitive. */
  like(pattern: string): Column {
    return new Column(E.call("like", [this.expr, toExpr(pattern)]));
  }
  /** SQL `ILIKE`: as {@link Column.like}, ignoring case. */
  ilike(pattern: string): Column {
    return new Column(E.call("ilike", [this.expr, toExpr(pattern)]));
  }
  /** True where a Java regular expression finds a match anywhere in the string (SQL `RLIKE`). */
  rlike(regex: string): Column {
    return new Column(E.call("rlike", [this.expr, toExpr(regex)]));
  }
  /** True where the string contains `other` (SQL `contains`). */
  contains(other: ColumnOrValue): Column {
    return new Column(E.call("contains", [this.expr, toExpr(other)]));
  }
  /** True where the string starts with `other` (SQL `startswith`). */
  startsWith(other: ColumnOrValue): Column {
    return new Column(E.call("startswith", [this.expr, toExpr(other)]));
  }
  /** True where the string ends with `other` (SQL `endswith`). */
  endsWith(other: ColumnOrValue): Column {
    return new Column(E.call("endswith", [this.expr, toExpr(other)]));
  }
  /** `length` characters from 1-based position `start` (SQL `substr`). */
  substr(start: ColumnOrValue, length: ColumnOrValue): Column {
    return new Column(E.call("substr", [this.expr, toExpr(start), toExpr(length)]));
  }

  // ── types and names ───────────────────────────────────────────────────────
  /** Casts to a type given as a DDL string (`"decimal(10,2)"`) or a DataType. ANSI rules apply per session. */
  cast(to: string | DataType): Column {
    return new Column(E.cast(this.expr, typeof to === "string" ? to : simpleString(to)));
  }
  /** Like `cast`, but yields null instead of failing when a value cannot be converted. */
  tryCast(to: string | DataType): Column {
    return new Column(E.cast(this.expr, typeof to === "string" ? to : simpleString(to), "try"));
  }
  /** The column under a new name; several names for a function that returns several columns (SQL `AS`). */
  alias(...names: string[]): Column {
    return new Column(E.alias(this.expr, names));
  }
  /** Same as {@link Column.alias}. */
  as(...names: string[]): Column {
    return this.alias(...names);
  }
  /** Same as {@link Column.alias} with one name. */
  name(name: string): Column {
    return this.alias(name);
  }

  // ── conditional ───────────────────────────────────────────────────────────
  /** Adds a branch to a `when(...)` chain. */
  when(condition: Column, value: ColumnOrValue): Column {
    if (
      this.expr.exprType.case !== "unresolvedFunction" ||
      this.expr.exprType.value.functionName !== "when"
    ) {
      throw invalid("when() can only be chained on a column made by functions.when()");
    }
    const args = this.expr.exprType.value.arguments;
    if (args.length % 2 === 1) throw invalid("when() cannot follow otherwise()");
    return new Column(E.call("when", [...args, condition.expr, toExpr(value)]));
  }
  /** The value when no `when` branch matched. */
  otherwise(value: ColumnOrValue): Column {
    if (
      this.expr.exprType.case !== "unresolvedFunction" ||
      this.expr.exprType.value.functionName !== "when"
    ) {
      throw invalid("otherwise() can only be chained on a column made by functions.when()");
    }
    const args = this.expr.exprType.value.arguments;
    if (args.length % 2 === 1) throw invalid("otherwise() can only be called once");
    return new Column(E.call("when", [...args, toExpr(value)]));
  }

  // ── ordering ──────────────────────────────────────────────────────────────
  /** Ascending sort order, nulls first (Spark's default), for `orderBy`/`sort`. */
  asc(): Column {
    return new Column(E.sortOrderExpr(this.expr, "asc", undefined));
  }
  /** Ascending sort order with nulls before the values. */
  ascNullsFirst(): Column {
    return new Column(E.sortOrderExpr(this.expr, "asc", "first"));
  }
  /** Ascending sort order with nulls after the values. */
  ascNullsLast(): Column {
    return new Column(E.sortOrderExpr(this.expr, "asc", "last"));
  }
  /** Descending sort order, nulls last (Spark's default). */
  desc(): Column {
    return new Column(E.sortOrderExpr(this.expr, "desc", undefined));
  }
  /** Descending sort order with nulls before the values. */
  descNullsFirst(): Column {
    return new Column(E.sortOrderExpr(this.expr, "desc", "first"));
  }
  /** Descending sort order with nulls after the values. */
  descNullsLast(): Column {
    return new Column(E.sortOrderExpr(this.expr, "desc", "last"));
  }

  // ── nested values ─────────────────────────────────────────────────────────
  /** A field of a struct column. */
  getField(name: string): Column {
    return new Column(E.extractValue(this.expr, toExpr(name)));
  }
  /** An element of an array (0-based) or the value of a map key. */
  getItem(key: ColumnOrValue): Column {
    return new Column(E.extractValue(this.expr, toExpr(key)));
  }

  // ── windows ───────────────────────────────────────────────────────────────
  /** Evaluates this (aggregate or ranking) function over a window. */
  over(window?: WindowSpec): Column {
    return new Column(
      E.windowExpr(this.expr, window?.partitionExprs ?? [], window?.orderExprs ?? [], window?.frame),
    );
  }

  // ── bitwise, struct fields, aliases (PySpark's Column names) ─────────────
  /** Bitwise AND of two integral columns (SQL `&`). */
  bitwiseAND(other: ColumnOrValue): Column {
    return binary("&", this, other);
  }
  /** Bitwise OR (SQL `|`). */
  bitwiseOR(other: ColumnOrValue): Column {
    return binary("|", this, other);
  }
  /** Bitwise XOR (SQL `^`). */
  bitwiseXOR(other: ColumnOrValue): Column {
    return binary("^", this, other);
  }
  /** A struct with field `fieldName` (dotted for nested fields) added or replaced by `value`. */
  withField(fieldName: string, value: Column): Column {
    return new Column(E.updateFields(this.expr, fieldName, value.expr));
  }
  /** A struct without the named fields (dotted names reach nested fields). */
  dropFields(...fieldNames: string[]): Column {
    return new Column(fieldNames.reduce((e, f) => E.updateFields(e, f), this.expr));
  }
  /** Same as {@link Column.cast}. */
  astype(to: string | DataType): Column {
    return this.cast(to);
  }

  /** A short description for logs, e.g. `Column<"unresolvedFunction">` (not SQL text). */
  toString(): string {
    return `Column<${JSON.stringify(this.expr.exprType.case)}>`;
  }
}

function binary(op: string, left: Column, right: ColumnOrValue): Column {
  return new Column(E.call(op, [left.expr, toExpr(right)]));
}

/** A column from a Column or a name (`"a"`, `"t.a"`, or `"*"`). */
export function toColumn(c: ColumnOrName): Column {
  if (c instanceof Column) return c;
  if (c === "*") return new Column(E.star());
  if (c.endsWith(".*")) return new Column(E.star(c.slice(0, -2)));
  return new Column(E.attribute(c));
}

/**
 * The expression for any operand: Columns pass through; JS values become literals (arrays →
 * `array(...)`, Maps → `map(...)`, plain objects → `named_struct(...)`).
 */
export function toExpr(value: ColumnOrValue): Expression {
  if (value instanceof Column) return value.expr;
  if (isScalar(value)) return scalarLiteralExpr(value);
  if (Array.isArray(value)) return E.call("array", value.map(toExpr));
  if (value instanceof Map) {
    const args: Expression[] = [];
    for (const [k, v] of value) args.push(toExpr(k), toExpr(v));
    return E.call("map", args);
  }
  if (isPlainRecord(value)) {
    const args: Expression[] = [];
    for (const [k, v] of Object.entries(value)) args.push(scalarLiteralExpr(k), toExpr(v));
    return E.call("named_struct", args);
  }
  return scalarLiteralExpr(value); // throws a clear INVALID_ARGUMENT
}

export { Decimal };

/** The error for a Column method called out of order (a user mistake, not a server error). */
function invalid(message: string): SparkConnectError {
  return new SparkConnectError("INVALID_ARGUMENT", message);
}
