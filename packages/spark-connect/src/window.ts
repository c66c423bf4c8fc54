import { type ColumnOrName, toColumn } from "./column.js";
import type { Expression } from "./gen/spark/connect/expressions_pb.js";
import type { FrameBound, WindowFrame } from "./plan/expressions.js";
import { scalarLiteralExpr } from "./plan/literals.js";

/** An immutable window specification; build it with {@link Window}. */
export class WindowSpec {
  constructor(
    readonly partitionExprs: Expression[] = [],
    readonly orderExprs: Expression[] = [],
    readonly frame: WindowFrame | undefined = undefined,
  ) {}

  partitionBy(...cols: ColumnOrName[]): WindowSpec {
    return new WindowSpec(
      cols.map((c) => toColumn(c).expr),
      this.orderExprs,
      this.frame,
    );
  }
  orderBy(...cols: ColumnOrName[]): WindowSpec {
    return new WindowSpec(
      this.partitionExprs,
      cols.map((c) => toColumn(c).expr),
      this.frame,
    );
  }
  /** A row-based frame; bounds are offsets from the current row, or Window.unboundedPreceding/Following/currentRow. */
  rowsBetween(start: number | bigint, end: number | bigint): WindowSpec {
    return new WindowSpec(this.partitionExprs, this.orderExprs, {
      type: "rows",
      lower: bound(start),
      upper: bound(end),
    });
  }
  /** A value-range frame over the (single) ordering column. */
  rangeBetween(start: number | bigint, end: number | bigint): WindowSpec {
    return new WindowSpec(this.partitionExprs, this.orderExprs, {
      type: "range",
      lower: bound(start),
      upper: bound(end),
    });
  }
}

function bound(v: number | bigint): FrameBound {
  if (v === Window.unboundedPreceding || v === Window.unboundedFollowing) return { kind: "unbounded" };
  if (v === 0 || v === 0n) return { kind: "current" };
  return { kind: "offset", value: scalarLiteralExpr(v) };
}

/** Window specification builders, as in Spark's `Window`. */
export const Window = {
  unboundedPreceding: Number.MIN_SAFE_INTEGER,
  unboundedFollowing: Number.MAX_SAFE_INTEGER,
  currentRow: 0,
  partitionBy: (...cols: ColumnOrName[]) => new WindowSpec().partitionBy(...cols),
  orderBy: (...cols: ColumnOrName[]) => new WindowSpec().orderBy(...cols),
  rowsBetween: (start: number, end: number) => new WindowSpec().rowsBetween(start, end),
  rangeBetween: (start: number, end: number) => new WindowSpec().rangeBetween(start, end),
};
