/**
 * How function wrappers turn their arguments into protocol expressions. A parameter is either a
 * column (a Column, or a string naming a column) or a literal (a Column, or a JS value sent as a
 * Spark literal: a string here is text, never a column name), or a lambda (a JS function over
 * Columns that builds the body of a Spark higher-order function).
 */

import { Column, type ColumnOrName, type Decimal, toColumn, toExpr } from "../column.js";
import type { Expression } from "../gen/spark/connect/expressions_pb.js";
import * as E from "../plan/expressions.js";

/** A JS value Spark takes as a literal (see `lit` for how each kind maps to a Spark type). */
export type LiteralValue =
  | string
  | number
  | bigint
  | boolean
  | null
  | Date
  | Uint8Array
  | Decimal
  | LiteralValue[]
  | Map<LiteralValue, LiteralValue>
  | { [field: string]: LiteralValue };

/** A Column, or a JS value taken as a literal (a string is text, not a column name). */
export type ColumnOrLiteral = Column | LiteralValue;

/** The body of a higher-order function: receives one Column per lambda variable. */
export type LambdaFunction =
  | ((x: Column) => Column)
  | ((x: Column, y: Column) => Column)
  | ((x: Column, y: Column, z: Column) => Column);

/** A column argument: a Column, or a column name. */
export const colArg = (x: ColumnOrName): Expression => toColumn(x).expr;

/** A literal argument: a Column passes through; any other value becomes a Spark literal. */
export const litArg = (x: ColumnOrLiteral): Expression => toExpr(x);

/**
 * A lambda argument: calls `f` with one lambda variable per declared parameter (`f.length`, at
 * least 1) and wraps the returned body as a protocol `LambdaFunction`.
 */
export function lambdaArg(f: LambdaFunction): Expression {
  const names = Array.from({ length: Math.max(1, f.length) }, (_, i) => `x_${i}`);
  const vars = names.map((n) => new Column(E.lambdaVariable(n)));
  return E.lambda((f as (...v: Column[]) => Column)(...vars).expr, names);
}

/** Calls a Spark SQL function; trailing `undefined` arguments (omitted optionals) are dropped. */
export function callSql(name: string, ...args: (Expression | undefined)[]): Column {
  let end = args.length;
  while (end > 0 && args[end - 1] === undefined) end--;
  const present = args.slice(0, end);
  if (present.includes(undefined))
    throw new TypeError(`${name}: an optional argument was omitted before one that was given.`);
  return new Column(E.call(name, present as Expression[]));
}

/** `colArg` for an optional parameter. */
export const optCol = (x: ColumnOrName | undefined) => (x === undefined ? undefined : colArg(x));
/** `litArg` for an optional parameter. */
export const optLit = (x: ColumnOrLiteral | undefined) => (x === undefined ? undefined : litArg(x));
/** `lambdaArg` for an optional parameter. */
export const optLambda = (f: LambdaFunction | undefined) => (f === undefined ? undefined : lambdaArg(f));
