import { type ColumnOrName, toColumn } from "./column.js";
// dataframe.ts imports this module too; the class is only used inside methods, after both loaded.
import { DataFrame } from "./dataframe.js";
import type { Relation } from "./gen/spark/connect/relations_pb.js";
import * as A from "./plan/analysis.js";

/**
 * Statistics over a DataFrame (`df.stat`), as PySpark's `DataFrameStatFunctions`; each method
 * maps to one Spark Connect relation (`StatCorr`, `StatCov`, `StatCrosstab`, `StatFreqItems`,
 * `StatApproxQuantile`, `StatSampleBy`). Numeric results come back as JS numbers (doubles).
 * Errors from the server (an unknown or non-numeric column, say) reject with SparkConnectError.
 */
export class DataFrameStatFunctions {
  /** @internal made by `df.stat`. */
  constructor(private readonly df: DataFrame) {}

  private derive(r: Relation): DataFrame {
    return new DataFrame(this.df.session, r);
  }

  private async single(r: Relation): Promise<unknown> {
    const rows = await this.derive(r).collect();
    const row = rows[0];
    return row ? Object.values(row)[0] : undefined;
  }

  /** The correlation coefficient of two numeric columns (only `"pearson"` is supported by Spark). */
  async corr(col1: string, col2: string, method = "pearson"): Promise<number> {
    return Number(await this.single(A.statCorr(this.df.relation, col1, col2, method)));
  }

  /** The sample covariance of two numeric columns. */
  async cov(col1: string, col2: string): Promise<number> {
    return Number(await this.single(A.statCov(this.df.relation, col1, col2)));
  }

  /**
   * A contingency table: one row per distinct value of `col1` (column `<col1>_<col2>`), one column
   * per distinct value of `col2`, holding pair counts (bigint).
   */
  crosstab(col1: string, col2: string): DataFrame {
    return this.derive(A.statCrosstab(this.df.relation, col1, col2));
  }

  /**
   * Frequent items per column (may include false positives), one row with an array column
   * `<col>_freqItems` per column. `support` is the minimum frequency, default 1%.
   */
  freqItems(cols: string[], support?: number): DataFrame {
    return this.derive(A.statFreqItems(this.df.relation, cols, support));
  }

  /**
   * Approximate quantiles (Greenwald-Khanna) of numeric columns at `probabilities` in [0, 1],
   * within `relativeError` (0 computes exact quantiles). One column gives `number[]`; several give
   * one `number[]` per column.
   */
  async approxQuantile(col: string, probabilities: number[], relativeError: number): Promise<number[]>;
  async approxQuantile(cols: string[], probabilities: number[], relativeError: number): Promise<number[][]>;
  async approxQuantile(
    cols: string | string[],
    probabilities: number[],
    relativeError: number,
  ): Promise<number[] | number[][]> {
    const list = typeof cols === "string" ? [cols] : cols;
    const value = (await this.single(
      A.statApproxQuantile(this.df.relation, list, probabilities, relativeError),
    )) as number[][] | undefined;
    const result = (value ?? []).map((q) => [...q].map(Number));
    return typeof cols === "string" ? (result[0] ?? []) : result;
  }

  /**
   * A stratified sample without replacement: keeps each row of stratum `k` (the value of `col`)
   * with probability `fractions[k]`; strata not listed are dropped. Deterministic for a given seed.
   */
  sampleBy(
    col: ColumnOrName,
    fractions: Record<string, number> | Map<unknown, number>,
    seed?: number | bigint,
  ): DataFrame {
    const pairs = fractions instanceof Map ? [...fractions.entries()] : Object.entries(fractions);
    return this.derive(
      A.statSampleBy(
        this.df.relation,
        toColumn(col).expr,
        pairs,
        seed === undefined ? undefined : BigInt(seed),
      ),
    );
  }
}
