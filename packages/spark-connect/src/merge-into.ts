/**
 * `df.mergeInto(table, condition)`: MERGE INTO a catalog table from a DataFrame, as PySpark 4's
 * `MergeIntoWriter`, sent as one Spark Connect `MergeIntoTableCommand` whose actions are
 * `MergeAction` expressions (protocol: commands.proto, expressions.proto).
 */
import type { ExecutionInfo } from "./client/results.js";
import { type Column, type ColumnOrValue, toExpr } from "./column.js";
import type { ActionOptions, DataFrame } from "./dataframe.js";
import { SparkConnectError } from "./errors.js";
import { type Expression, MergeAction_ActionType } from "./gen/spark/connect/expressions_pb.js";
import * as E from "./plan/expressions.js";

/** Target column name → new value (a Column over source/target columns, or a JS value as a literal). */
export type MergeAssignments = Record<string, ColumnOrValue>;

interface MergeState {
  matched: Expression[];
  notMatched: Expression[];
  notMatchedBySource: Expression[];
  schemaEvolution: boolean;
}

/** The protocol action: `type`, its clause condition, and the assignments as key/value expressions. */
const mergeAction = (type: MergeAction_ActionType, condition?: Column, assignments: MergeAssignments = {}) =>
  E.mergeAction(
    type,
    condition?.expr,
    Object.entries(assignments).map(([column, value]) => [E.attribute(column), toExpr(value)]),
  );

function requireAssignments(what: string, assignments: MergeAssignments): MergeAssignments {
  if (Object.keys(assignments).length === 0)
    throw new SparkConnectError(
      "INVALID_ARGUMENT",
      `mergeInto: ${what}() needs at least one target column → value; use ${what}All() to set every column.`,
    );
  return assignments;
}

/**
 * Builds a MERGE of a source DataFrame into the target table; nothing runs until {@link merge}.
 * Immutable: each `when…().<action>()` returns a new writer with that clause appended; clauses of
 * one kind apply in the order given (the first whose condition holds wins, as in SQL MERGE).
 * The target must be a table whose format supports MERGE (Delta, Iceberg, any V2 table with
 * row-level operations); Spark rejects others at {@link merge} with a SparkConnectError.
 */
export class MergeIntoWriter {
  /** @internal made by {@link DataFrame.mergeInto}. */
  constructor(
    private readonly source: DataFrame,
    private readonly table: string,
    private readonly condition: Column,
    private readonly state: MergeState = {
      matched: [],
      notMatched: [],
      notMatchedBySource: [],
      schemaEvolution: false,
    },
  ) {}

  /** @internal appends one clause; the `when…` builders call this. */
  add(kind: "matched" | "notMatched" | "notMatchedBySource", action: Expression): MergeIntoWriter {
    return new MergeIntoWriter(this.source, this.table, this.condition, {
      ...this.state,
      [kind]: [...this.state[kind], action],
    });
  }

  /** Clauses for target rows that have a matching source row (optionally only where `condition` holds). */
  whenMatched(condition?: Column): WhenMatched {
    return new WhenMatched(this, condition);
  }
  /** Clauses for source rows without a matching target row (optionally only where `condition` holds). */
  whenNotMatched(condition?: Column): WhenNotMatched {
    return new WhenNotMatched(this, condition);
  }
  /** Clauses for target rows without a matching source row (optionally only where `condition` holds). */
  whenNotMatchedBySource(condition?: Column): WhenNotMatchedBySource {
    return new WhenNotMatchedBySource(this, condition);
  }
  /** Lets the merge add source columns the target lacks (the table format must support it, e.g. Delta). */
  withSchemaEvolution(): MergeIntoWriter {
    return new MergeIntoWriter(this.source, this.table, this.condition, {
      ...this.state,
      schemaEvolution: true,
    });
  }

  /**
   * Runs the MERGE. Returns the execution info (the table format's metrics, e.g. Delta's
   * `num_affected_rows`, come back as the command's result rows when the server sends them).
   * Throws SparkConnectError INVALID_ARGUMENT when no clause was given, and the server's error
   * (e.g. `UNSUPPORTED_FEATURE.TABLE_OPERATION` for a table without MERGE, or a source row matching
   * several target rows) otherwise.
   */
  merge(options: ActionOptions = {}): Promise<ExecutionInfo> {
    const s = this.state;
    if (!s.matched.length && !s.notMatched.length && !s.notMatchedBySource.length)
      throw new SparkConnectError(
        "INVALID_ARGUMENT",
        `mergeInto(${this.table}): no clause given; add whenMatched(), whenNotMatched() or whenNotMatchedBySource() actions before merge().`,
      );
    return this.source.session.executeCommand(
      {
        case: "mergeIntoTableCommand",
        value: {
          targetTableName: this.table,
          sourceTablePlan: this.source.relation,
          mergeCondition: this.condition.expr,
          matchActions: s.matched,
          notMatchedActions: s.notMatched,
          notMatchedBySourceActions: s.notMatchedBySource,
          withSchemaEvolution: s.schemaEvolution,
        },
      },
      options,
    );
  }
}

/** The actions for matched target rows: `update`, `updateAll`, `delete`. Each returns the writer. */
export class WhenMatched {
  /** @internal made by {@link MergeIntoWriter.whenMatched}. */
  constructor(
    private readonly writer: MergeIntoWriter,
    private readonly condition?: Column,
  ) {}
  /** Sets the given target columns (SQL `UPDATE SET col = value, …`). Throws INVALID_ARGUMENT when empty. */
  update(assignments: MergeAssignments): MergeIntoWriter {
    const a = requireAssignments("update", assignments);
    return this.writer.add("matched", mergeAction(MergeAction_ActionType.UPDATE, this.condition, a));
  }
  /** Sets every target column to the source column of the same name (SQL `UPDATE SET *`). */
  updateAll(): MergeIntoWriter {
    return this.writer.add("matched", mergeAction(MergeAction_ActionType.UPDATE_STAR, this.condition));
  }
  /** Deletes the matched target row (SQL `DELETE`). */
  delete(): MergeIntoWriter {
    return this.writer.add("matched", mergeAction(MergeAction_ActionType.DELETE, this.condition));
  }
}

/** The actions for unmatched source rows: `insert`, `insertAll`. Each returns the writer. */
export class WhenNotMatched {
  /** @internal made by {@link MergeIntoWriter.whenNotMatched}. */
  constructor(
    private readonly writer: MergeIntoWriter,
    private readonly condition?: Column,
  ) {}
  /** Inserts a row with the given target columns (others null; SQL `INSERT (cols) VALUES (…)`). Throws INVALID_ARGUMENT when empty. */
  insert(assignments: MergeAssignments): MergeIntoWriter {
    const a = requireAssignments("insert", assignments);
    return this.writer.add("notMatched", mergeAction(MergeAction_ActionType.INSERT, this.condition, a));
  }
  /** Inserts the source row, column by name (SQL `INSERT *`). */
  insertAll(): MergeIntoWriter {
    return this.writer.add("notMatched", mergeAction(MergeAction_ActionType.INSERT_STAR, this.condition));
  }
}

/**
 * The actions for target rows no source row matches: `update`, `delete`. Each returns the writer.
 * No `updateAll` (PySpark has one): there is no source row to copy, and Spark rejects `UPDATE SET *`
 * in this clause ("updatestaraction clauses cannot be part of the WHEN NOT MATCHED BY SOURCE clause",
 * seen on Spark 4.2 with Delta 4.4).
 */
export class WhenNotMatchedBySource {
  /** @internal made by {@link MergeIntoWriter.whenNotMatchedBySource}. */
  constructor(
    private readonly writer: MergeIntoWriter,
    private readonly condition?: Column,
  ) {}
  /** Sets the given target columns (values may use target columns only). Throws INVALID_ARGUMENT when empty. */
  update(assignments: MergeAssignments): MergeIntoWriter {
    const a = requireAssignments("update", assignments);
    return this.writer.add(
      "notMatchedBySource",
      mergeAction(MergeAction_ActionType.UPDATE, this.condition, a),
    );
  }
  /** Deletes the target row. */
  delete(): MergeIntoWriter {
    return this.writer.add("notMatchedBySource", mergeAction(MergeAction_ActionType.DELETE, this.condition));
  }
}
