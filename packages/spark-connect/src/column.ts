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
  plus(other: ColumnOrValue): Column {
    return binary("+", this, other);
  }
  minus(other: ColumnOrValue): Column {
    return binary("-", this, other);
  }
  multiply(other: ColumnOrValue): Column {
    return binary("*", this, other);
  }
  divide(other: ColumnOrValue): Column {
    return binary("/", this, other);
  }
  mod(other: ColumnOrValue): Column {
    return binary("%", this, other);
  }
  negate(): Column {
    return new Column(E.call("negative", [this.expr]));
  }

  // ── comparison ────────────────────────────────────────────────────────────
  equalTo(other: ColumnOrValue): Column {
    return binary("==", this, other);
  }
  eq(other: ColumnOrValue): Column {
    return this.equalTo(other);
  }
  notEqual(other: ColumnOrValue): Column {
    return binary("==", this, other).not();
  }
  ne(other: ColumnOrValue): Column {
    return this.notEqual(other);
  }
  /** Null-safe equality (`<=>`). */
  eqNullSafe(other: ColumnOrValue): Column {
    return binary("<=>", this, other);
  }
  gt(other: ColumnOrValue): Column {
    return binary(">", this, other);
  }
  geq(other: ColumnOrValue): Column {
    return binary(">=", this, other);
  }
  lt(other: ColumnOrValue): Column {
    return binary("<", this, other);
  }
  leq(other: ColumnOrValue): Column {
    return binary("<=", this, other);
  }
  between(lower: ColumnOrValue, upper: ColumnOrValue): Column {
    return this.geq(lower).and(this.leq(upper));
  }

  // ── boolean logic ─────────────────────────────────────────────────────────
  and(other: ColumnOrValue): Column {
    return binary("and", this, other);
  }
  or(other: ColumnOrValue): Column {
    return binary("or", this, other);
  }
  not(): Column {
    return new Column(E.call("not", [this.expr]));
  }

  // ── predicates ────────────────────────────────────────────────────────────
  isNull(): Column {
    return new Column(E.call("isnull", [this.expr]));
  }
  isNotNull(): Column {
    return new Column(E.call("isnotnull", [this.expr]));
  }
  isNaN(): Column {
    return new Column(E.call("isnan", [this.expr]));
  }
  isin(...values: ColumnOrValue[]): Column {
    const list = values.length === 1 && Array.isArray(values[0]) ? (values[0] as unknown[]) : values;
    return new Column(E.call("in", [this.expr, ...list.map(toExpr)]));
  }
  like(pattern: string): Column {
    return new Column(E.call("like", [this.expr, toExpr(pattern)]));
  }
  ilike(pattern: string): Column {
    return new Column(E.call("ilike", [this.expr, toExpr(pattern)]));
  }
  rlike(regex: string): Column {
    return new Column(E.call("rlike", [this.expr, toExpr(regex)]));
  }
  contains(other: ColumnOrValue): Column {
    return new Column(E.call("contains", [this.expr, toExpr(other)]));
  }
  startsWith(other: ColumnOrValue): Column {
    return new Column(E.call("startswith", [this.expr, toExpr(other)]));
  }
  endsWith(other: ColumnOrValue): Column {
    return new Column(E.call("endswith", [this.expr, toExpr(other)]));
  }
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
  alias(...names: string[]): Column {
    return new Column(E.alias(this.expr, names));
  }
  as(...names: string[]): Column {
    return this.alias(...names);
  }
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
  asc(): Column {
    return new Column(E.sortOrderExpr(this.expr, "asc", undefined));
  }
  ascNullsFirst(): Column {
    return new Column(E.sortOrderExpr(this.expr, "asc", "first"));
  }
  ascNullsLast(): Column {
    return new Column(E.sortOrderExpr(this.expr, "asc", "last"));
  }
  desc(): Column {
    return new Column(E.sortOrderExpr(this.expr, "desc", undefined));
  }
  descNullsFirst(): Column {
    return new Column(E.sortOrderExpr(this.expr, "desc", "first"));
  }
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
