import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { SparkConnectError } from "../errors.js";
import {
  type Expression,
  type Expression_Literal,
  Expression_LiteralSchema,
  ExpressionSchema,
} from "../gen/spark/connect/expressions_pb.js";
import { DataTypeSchema } from "../gen/spark/connect/types_pb.js";

/** An exact decimal given as a string, e.g. `new Decimal("12.34")`; becomes a DECIMAL literal. */
export class Decimal {
  /**
   * The canonical decimal text: sign, integer digits without leading zeros, the fraction as given (`"-0.50"`).
   */
  readonly value: string;
  /** Total significant digits (as Spark's DECIMAL precision), at least `scale` and at least 1. */
  readonly precision: number;
  /** Digits after the point. */
  readonly scale: number;
  constructor(value: string) {
    const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(value.trim());
    if (!m || (m[2] === "" && (m[3] ?? "") === "")) {
      throw new SparkConnectError(
        "INVALID_ARGUMENT",
        `"${value}" is not a decimal number (expected digits like "-12.34").`,
      );
    }
    const intPart = (m[2] ?? "").replace(/^0+(?=\d)/, "") || "0";
    const frac = m[3] ?? "";
    this.value = `${m[1] === "-" ? "-" : ""}${intPart}${frac ? `.${frac}` : ""}`;
    this.scale = frac.length;
    this.precision = Math.max(intPart === "0" ? frac.length || 1 : intPart.length + frac.length, this.scale);
  }
  /** The canonical decimal text ({@link Decimal.value}). */
  toString(): string {
    return this.value;
  }
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

type LiteralInit = NonNullable<MessageInitShape<typeof Expression_LiteralSchema>["literalType"]>;

function literalExpr(literalType: LiteralInit): Expression {
  return create(ExpressionSchema, {
    exprType: { case: "literal", value: create(Expression_LiteralSchema, { literalType }) },
  });
}

/** True when `value` can be expressed as a single protocol literal (not an array/map/struct). */
export function isScalar(value: unknown): boolean {
  return (
    value === null ||
    value === undefined ||
    typeof value === "boolean" ||
    typeof value === "number" ||
    typeof value === "bigint" ||
    typeof value === "string" ||
    value instanceof Date ||
    value instanceof Uint8Array ||
    value instanceof Decimal
  );
}

/**
 * The protocol literal for a scalar JS value: null, boolean, number (int when it is a 32-bit
 * integer, bigint type when a larger integer, double otherwise), bigint (LONG), string, Date
 * (TIMESTAMP, microseconds since the epoch), Uint8Array (BINARY), {@link Decimal} (DECIMAL).
 * Throws INVALID_ARGUMENT for anything else.
 */
export function scalarLiteral(value: unknown): Expression_Literal {
  return create(Expression_LiteralSchema, { literalType: literalType(value) });
}

function literalType(value: unknown): LiteralInit {
  if (value === null || value === undefined) {
    return { case: "null", value: create(DataTypeSchema, { kind: { case: "null", value: {} } }) };
  }
  if (typeof value === "boolean") return { case: "boolean", value };
  if (typeof value === "number") {
    if (Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX)
      return { case: "integer", value };
    if (Number.isSafeInteger(value)) return { case: "long", value: BigInt(value) };
    return { case: "double", value };
  }
  if (typeof value === "bigint") return { case: "long", value };
  if (typeof value === "string") return { case: "string", value };
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime()))
      throw new SparkConnectError("INVALID_ARGUMENT", "Invalid Date given as a literal.");
    return { case: "timestamp", value: BigInt(value.getTime()) * 1000n };
  }
  if (value instanceof Uint8Array) return { case: "binary", value };
  if (value instanceof Decimal) {
    return { case: "decimal", value: { value: value.value, precision: value.precision, scale: value.scale } };
  }
  throw new SparkConnectError(
    "INVALID_ARGUMENT",
    `Cannot make a Spark literal from ${describe(value)}. Use null, boolean, number, bigint, string, Date, ` +
      "Uint8Array, Decimal, arrays, Maps or plain objects.",
  );
}

/** A literal expression for a scalar JS value (see {@link scalarLiteral}). */
export function scalarLiteralExpr(value: unknown): Expression {
  return literalExpr(literalType(value));
}

function describe(v: unknown): string {
  if (typeof v === "object") return `an object of type ${(v as object).constructor?.name ?? "Object"}`;
  return `a ${typeof v}`;
}
