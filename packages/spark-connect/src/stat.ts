import { Column, type ColumnOrName, toColumn, toExpr } from "./column.js";
// dataframe.ts imports this module too; the class is only used inside methods, after both loaded.
import { DataFrame } from "./dataframe.js";
import type { Relation } from "./gen/spark/connect/relations_pb.js";
import * as A from "./plan/analysis.js";
import * as E from "./plan/expressions.js";
import { BloomFilter } from "./sketch/bloom-filter.js";
import { CountMinSketch } from "./sketch/count-min-sketch.js";
import { bloomFilterArgs, countMinSketchArgs, type SketchSize } from "./sketch/stat-args.js";

/**
 * Statistics over a DataFrame (`df.stat`), as PySpark's `DataFrameStatFunctions`; each method
 * maps to one Spark Connect relation (`StatCorr`, `StatCov`, `StatCrosstab`, `StatFreqItems`,
 * `StatApproxQuantile`, `StatSampleBy`); `countMinSketch` and `bloomFilter`, which have no
 * relation of their own, run one aggregate as Spark's Scala Connect client does. Numeric results
 * come back as JS numbers (doubles). Errors from the server (an unknown or non-numeric column,
 * say) reject with SparkConnectError.
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

  /**
   * A count-min sketch of a column (strings, binary or integral types), as Spark's
   * `DataFrameStatFunctions.countMinSketch`: runs Spark's `count_min_sketch(col, eps,
   * confidence, seed)` aggregate and reads the bytes it returns. `eps` (> 0) is the relative
   * error, `confidence` in (0, 1); Spark sizes the sketch as width ⌈2/eps⌉ and depth
   * ⌈-log2(1 - confidence)⌉. Or give `{ depth, width }` directly (Scala's int overload: it passes
   * eps = 2/width, confidence = 1 - 1/2^depth). Nulls are skipped. Same seed, same data → same
   * sketch. Throws SparkConnectError `INVALID_ARGUMENT` for out-of-range arguments (before
   * running anything), `ANALYSIS` for a column of another type.
   */
  async countMinSketch(
    col: ColumnOrName,
    eps: number,
    confidence: number,
    seed: number,
  ): Promise<CountMinSketch>;
  async countMinSketch(col: ColumnOrName, size: SketchSize, seed: number): Promise<CountMinSketch>;
  async countMinSketch(
    col: ColumnOrName,
    epsOrSize: number | SketchSize,
    confidenceOrSeed: number,
    seed?: number,
  ): Promise<CountMinSketch> {
    const args = countMinSketchArgs(epsOrSize, confidenceOrSeed, seed);
    const agg = E.call("count_min_sketch", [
      toColumn(col).expr,
      E.cast(toExpr(args.eps), "double"),
      E.cast(toExpr(args.confidence), "double"),
      toExpr(args.seed),
    ]);
    const bytes = await this.binaryAggregate(new Column(agg));
    // count_min_sketch always returns a sketch, an empty one for no rows.
    return CountMinSketch.readFrom(bytes ?? new Uint8Array());
  }

  /**
   * A Bloom filter of a column (strings or integral types), as Spark's
   * `DataFrameStatFunctions.bloomFilter`: runs Spark's internal `bloom_filter_agg(col,
   * expectedNumItems, numBits)` aggregate and reads the bytes it returns. With `fpp` in (0, 1),
   * numBits is Spark's `BloomFilter.optimalNumOfBits(expectedNumItems, fpp)`; or give
   * `{ numBits }`. The server caps expectedNumItems at
   * `spark.sql.optimizer.runtime.bloomFilter.maxNumItems` (default 4,000,000) and numBits at
   * `…maxNumBits` (default 67,108,864). Nulls are skipped; with no non-null value the filter is
   * empty (contains nothing). Throws SparkConnectError `INVALID_ARGUMENT` for out-of-range
   * arguments, `ANALYSIS` for a column of another type.
   */
  async bloomFilter(col: ColumnOrName, expectedNumItems: number | bigint, fpp: number): Promise<BloomFilter>;
  async bloomFilter(
    col: ColumnOrName,
    expectedNumItems: number | bigint,
    size: { numBits: number | bigint },
  ): Promise<BloomFilter>;
  async bloomFilter(
    col: ColumnOrName,
    expectedNumItems: number | bigint,
    fppOrSize: number | { numBits: number | bigint },
  ): Promise<BloomFilter> {
    const args = bloomFilterArgs(expectedNumItems, fppOrSize);
    const agg = E.internalCall("bloom_filter_agg", [
      toColumn(col).expr,
      toExpr(args.expectedNumItems),
      toExpr(args.numBits),
    ]);
    const bytes = await this.binaryAggregate(new Column(agg));
    return bytes ? BloomFilter.readFrom(bytes) : BloomFilter.create(args.expectedNumItems, args.numBits);
  }

  private async binaryAggregate(agg: Column): Promise<Uint8Array | null> {
    const [row] = await this.df.select(agg).collect();
    const value = row ? Object.values(row)[0] : undefined;
    return value instanceof Uint8Array ? value : null;
  }
}
