/**
 * A small, fast, seedable pseudo-random generator (sfc32, seeded through splitmix32).
 * Pure 32-bit integer arithmetic, so the same seed gives the same sequence on every platform.
 */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** `stream` derives independent sequences from one seed (dimensions, orders, ...). */
  constructor(seed: number, stream = 0) {
    let s = (Math.floor(seed) ^ Math.imul(stream + 1, 0x9e3779b9) ^ Math.floor(seed / 4294967296)) | 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) | 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** The next unsigned 32-bit integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A number in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor((this.nextUint32() / 4294967296) * n);
  }

  /** An integer in [min, max], both inclusive. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  /** A uniformly chosen element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
}

/**
 * A lookup table of 256 entries holding each index in proportion to its weight, so a weighted
 * choice in the hot loop is one table read (`table[rng.nextUint32() & 255]`).
 */
export function weightedTable(weights: readonly number[]): Uint8Array {
  const total = weights.reduce((sum, w) => sum + w, 0);
  const table = new Uint8Array(256);
  let cumulative = 0;
  let slot = 0;
  weights.forEach((w, index) => {
    cumulative += w;
    const end = Math.round((cumulative / total) * 256);
    for (; slot < end; slot++) table[slot] = index;
  });
  return table;
}
