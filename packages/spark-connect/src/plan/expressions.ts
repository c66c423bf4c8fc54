/**
 * The one place where column expressions become protocol messages. Columns hold the message
 * these builders return; nothing here talks to a server.
 */
import { create } from "@bufbuild/protobuf";
import {
  type Expression,
  Expression_CastSchema,
  Expression_SortOrder_NullOrdering,
  Expression_SortOrder_SortDirection,
  Expression_SortOrderSchema,
  Expression_Window_WindowFrame_FrameType,
  ExpressionSchema,
  type MergeAction_ActionType,
} from "../gen/spark/connect/expressions_pb.js";

export function attribute(name: string, planId?: bigint): Expression {
  return create(ExpressionSchema, {
    exprType: {
      case: "unresolvedAttribute",
      value: { unparsedIdentifier: name, ...(planId !== undefined ? { planId } : {}) },
    },
  });
}

export function star(target?: string, planId?: bigint): Expression {
  return create(ExpressionSchema, {
    exprType: {
      case: "unresolvedStar",
      value: {
        ...(target ? { unparsedTarget: `${target}.*` } : {}),
        ...(planId !== undefined ? { planId } : {}),
      },
    },
  });
}

export function sqlExpression(sql: string): Expression {
  return create(ExpressionSchema, { exprType: { case: "expressionString", value: { expression: sql } } });
}

export function call(name: string, args: Expression[], isDistinct = false): Expression {
  return create(ExpressionSchema, {
    exprType: { case: "unresolvedFunction", value: { functionName: name, arguments: args, isDistinct } },
  });
}

/**
 * A call of one of Spark's internal functions (`UnresolvedFunction.is_internal`), which SQL text
 * cannot name — e.g. `bloom_filter_agg`, as Spark's own Connect client calls it.
 */
export function internalCall(name: string, args: Expression[]): Expression {
  return create(ExpressionSchema, {
    exprType: {
      case: "unresolvedFunction",
      value: { functionName: name, arguments: args, isInternal: true },
    },
  });
}

export function alias(expr: Expression, names: string[], metadata?: string): Expression {
  return create(ExpressionSchema, {
    exprType: { case: "alias", value: { expr, name: names, ...(metadata ? { metadata } : {}) } },
  });
}

export function cast(
  expr: Expression,
  typeStr: string,
  mode: "legacy" | "ansi" | "try" | undefined = undefined,
): Expression {
  const evalMode = mode === "try" ? 3 : mode === "ansi" ? 2 : mode === "legacy" ? 1 : 0;
  return create(ExpressionSchema, {
    exprType: {
      case: "cast",
      value: create(Expression_CastSchema, {
        expr,
        castToType: { case: "typeStr", value: typeStr },
        evalMode,
      }),
    },
  });
}

export type SortDirection = "asc" | "desc";
export type NullOrdering = "first" | "last" | undefined;

export function sortOrder(child: Expression, direction: SortDirection, nulls: NullOrdering) {
  return create(Expression_SortOrderSchema, {
    child,
    direction:
      direction === "asc"
        ? Expression_SortOrder_SortDirection.ASCENDING
        : Expression_SortOrder_SortDirection.DESCENDING,
    // Spark's defaults: ascending puts nulls first, descending puts them last.
    nullOrdering:
      (nulls ?? (direction === "asc" ? "first" : "last")) === "first"
        ? Expression_SortOrder_NullOrdering.SORT_NULLS_FIRST
        : Expression_SortOrder_NullOrdering.SORT_NULLS_LAST,
  });
}

export function sortOrderExpr(child: Expression, direction: SortDirection, nulls: NullOrdering): Expression {
  return create(ExpressionSchema, {
    exprType: { case: "sortOrder", value: sortOrder(child, direction, nulls) },
  });
}

/** Unwraps a sort-order expression, or makes an ascending one from any other expression. */
export function asSortOrder(e: Expression) {
  return e.exprType.case === "sortOrder" ? e.exprType.value : sortOrder(e, "asc", undefined);
}

export type FrameBound = { kind: "unbounded" } | { kind: "current" } | { kind: "offset"; value: Expression };

export interface WindowFrame {
  type: "rows" | "range";
  lower: FrameBound;
  upper: FrameBound;
}

function boundary(b: FrameBound) {
  switch (b.kind) {
    case "unbounded":
      return { boundary: { case: "unbounded" as const, value: true } };
    case "current":
      return { boundary: { case: "currentRow" as const, value: true } };
    default:
      return { boundary: { case: "value" as const, value: b.value } };
  }
}

export function windowExpr(
  fn: Expression,
  partitionBy: Expression[],
  orderBy: Expression[],
  frame?: WindowFrame,
): Expression {
  return create(ExpressionSchema, {
    exprType: {
      case: "window",
      value: {
        windowFunction: fn,
        partitionSpec: partitionBy,
        orderSpec: orderBy.map(asSortOrder),
        ...(frame
          ? {
              frameSpec: {
                frameType:
                  frame.type === "rows"
                    ? Expression_Window_WindowFrame_FrameType.ROW
                    : Expression_Window_WindowFrame_FrameType.RANGE,
                lower: boundary(frame.lower),
                upper: boundary(frame.upper),
              },
            }
          : {}),
      },
    },
  });
}

export function extractValue(child: Expression, extraction: Expression): Expression {
  return create(ExpressionSchema, {
    exprType: { case: "unresolvedExtractValue", value: { child, extraction } },
  });
}

export function lambda(body: Expression, argNames: string[]): Expression {
  return create(ExpressionSchema, {
    exprType: {
      case: "lambdaFunction",
      value: { function: body, arguments: argNames.map((n) => ({ nameParts: [n] })) },
    },
  });
}

export function lambdaVariable(name: string): Expression {
  return create(ExpressionSchema, {
    exprType: { case: "unresolvedNamedLambdaVariable", value: { nameParts: [name] } },
  });
}

/** Columns whose names match a Java regex (`df.colRegex("`(a|b)_.*`")`). */
export function unresolvedRegex(colName: string, planId?: bigint): Expression {
  return create(ExpressionSchema, {
    exprType: { case: "unresolvedRegex", value: { colName, ...(planId !== undefined ? { planId } : {}) } },
  });
}

/** Adds or replaces (with a value) or drops (without) a nested struct field by dotted name. */
export function updateFields(struct: Expression, fieldName: string, value?: Expression): Expression {
  return create(ExpressionSchema, {
    exprType: {
      case: "updateFields",
      value: { structExpression: struct, fieldName, ...(value ? { valueExpression: value } : {}) },
    },
  });
}

/**
 * One clause of a MERGE (expressions.proto `MergeAction`): its type, optional condition, and
 * `[target column, value]` assignments (for UPDATE and INSERT; empty for the `*` forms and DELETE).
 */
export function mergeAction(
  actionType: MergeAction_ActionType,
  condition: Expression | undefined,
  assignments: [Expression, Expression][],
): Expression {
  return create(ExpressionSchema, {
    exprType: {
      case: "mergeAction",
      value: {
        actionType,
        ...(condition ? { condition } : {}),
        assignments: assignments.map(([key, value]) => ({ key, value })),
      },
    },
  });
}
