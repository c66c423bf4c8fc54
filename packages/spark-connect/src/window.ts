import { type ColumnOrName, toColumn } from "./column.js";
import type { Expression } from "./gen/spark/connect/expressions_pb.js";
import type { FrameBound, WindowFrame } from "./plan/expressions.js";
import { scalarLiteralExpr } from "./plan/literals.js";

/** An immutable window specification; build it with {@link Window}. */
export class WindowSpec {
  /** @internal made by the `Window` builders. */
  constructor(
    /** @internal the PARTITION BY expressions, read by `Column.over`. */
    readonly partitionExprs: Expression[] = [],
    /** @internal the ORDER BY expressions, read by `Column.over`. */
    readonly orderExprs: Expression[] = [],
    /** @internal the frame (rows or range, with bounds), read by `Column.over`. */
    readonly frame: WindowFrame | undefined = undefined,
  ) {}

  /** The same spec, partitioned by the columns (SQL `PARTITION BY`); replaces earlier partitioning. */
  partitionBy(...cols: ColumnOrName[]): WindowSpec {
    return new WindowSpec(
      cols.map((c) => toColumn(c).expr),
      this.orderExprs,
      this.frame,
    );
  }
  /** The same spec, ordered by the columns (SQL `ORDER BY`; `.desc()` for descending); replaces earlier ordering. */
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
  /** A frame bound: the partition's first row (`UNBOUNDED PRECEDING`). */
  unboundedPreceding: Number.MIN_SAFE_INTEGER,
  /** A frame bound: the partition's last row (`UNBOUNDED FOLLOWING`). */
  unboundedFollowing: Number.MAX_SAFE_INTEGER,
  /** A frame bound: the current row (`CURRENT ROW`). */
  currentRow: 0,
  /** A spec partitioned by the columns. */
  partitionBy: (...cols: ColumnOrName[]) => new WindowSpec().partitionBy(...cols),
  /** A spec ordered by the columns (a running frame, from the partition's start to the current row's peers). */
  orderBy: (...cols: ColumnOrName[]) => new WindowSpec().orderBy(...cols),
  /** A spec with a row-based frame (see {@link WindowSpec.rowsBetween}). */
  rowsBetween: (start: number, end: number) => new WindowSpec().rowsBetween(start, end),
  /** A spec with a value-range frame (see {@link WindowSpec.rangeBetween}). */
  rangeBetween: (start: number, end: number) => new WindowSpec().rangeBetween(start, end),
};
