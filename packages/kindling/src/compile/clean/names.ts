/** Names of the hidden helper columns a clean step's stages add (all start with `_k_`). */

/** The hidden copy of a rewritten column's value as the step received it (for quarantine records). */
export const originalOf = (column: string) => `_k_orig_${column}`;
/** The value of the i-th cast's column before the cast. */
export const castInput = (i: number) => `_k_castpre${i}`;
/** True when the i-th cast turned a non-null value into null (the value does not cast). */
export const castFailed = (i: number) => `_k_castfail${i}`;
/** A row's number within its dedupe key, in the dedupe order (1 wins). */
export const ROW_NUMBER = "_k_rn";
