/**
 * Hidden bookkeeping columns Kindling carries through a pipeline. They never reach a sink:
 *  - `_k_file`, `_k_block`, `_k_seq`: where a row was read (file, block offset, order within the
 *    read), for deterministic "read last wins" tie-breaks and for quarantine records;
 *  - `_k_reason`, `_k_action`: the verdict of a clean step for one row.
 */
export const HIDDEN_PREFIX = "_k_";
export const FILE = "_k_file";
export const BLOCK = "_k_block";
export const SEQ = "_k_seq";
export const REASON = "_k_reason";
export const ACTION = "_k_action";
export const CORRUPT = "_k_corrupt";
export const POSITION_COLUMNS = [FILE, BLOCK, SEQ] as const;

export function isHidden(name: string): boolean {
  return name.startsWith(HIDDEN_PREFIX);
}

/** Back-quotes a column name for use inside Spark SQL text. */
export function q(name: string): string {
  return `\`${name.replace(/`/g, "``")}\``;
}
