/**
 * Row objects: one own property per column, whatever the column is called. Result names are free
 * text in Spark (`__proto__`, `constructor`, `k` twice), so rows must neither drop nor inherit a
 * key: they are built on a prototype that has no prototype itself, and repeated names are renamed
 * without colliding with any other name of the result.
 */

/** A result row (or struct value): column name → value, all own enumerable properties. */
export type Row = Record<string, unknown>;

/**
 * The prototype of every decoded row and struct: empty, frozen, and without a prototype of its
 * own, so `row.constructor`, `row.toString`, `row.__proto__` are columns or undefined, never
 * inherited. (A shared prototype, unlike `Object.create(null)` per row, keeps V8's fast
 * properties: 1M five-column rows took ~1.6 s this way and ~4–10 s as null-prototype objects.)
 */
const ROW_PROTOTYPE: object = Object.freeze(Object.create(null));

/** True for objects that stand for a Spark struct: plain objects and decoded rows. */
export function isPlainRecord(v: unknown): v is Row {
  if (typeof v !== "object" || v === null) return false;
  const p = Object.getPrototypeOf(v);
  return p === Object.prototype || p === null || p === ROW_PROTOTYPE;
}

/**
 * Column names made unique, keeping every value. A name keeps its text the first time it occurs;
 * each later occurrence becomes `name_N` with the smallest N ≥ 2 that is neither a name of the
 * result nor already given. So `k, k, k_2` → `k, k_3, k_2`, and `x, x` → `x, x_2`.
 */
export function uniqueNames(names: readonly string[]): string[] {
  const taken = new Set(names);
  const used = new Set<string>();
  return names.map((name) => {
    if (!used.has(name)) {
      used.add(name);
      return name;
    }
    let n = 2;
    while (taken.has(`${name}_${n}`)) n++;
    const renamed = `${name}_${n}`;
    taken.add(renamed);
    used.add(renamed);
    return renamed;
  });
}

/** Builds one row from column arrays `cols` at index `i`. */
export type RowFactory = (cols: unknown[][], i: number) => Row;

const factories = new Map<string, RowFactory>();

/**
 * A function building rows with the given (already unique) names. Generated once per name list
 * so every row has the same hidden class (V8 then keeps row access and creation fast); names are
 * assigned as computed keys, so `__proto__` is an own property like any other.
 */
export function rowFactory(names: readonly string[]): RowFactory {
  const key = JSON.stringify(names);
  let f = factories.get(key);
  if (!f) {
    const assign = names.map((n, c) => `this[${JSON.stringify(n)}] = cols[${c}][i];`).join("\n");
    const RowObject = new Function("cols", "i", assign) as unknown as new (
      cols: unknown[][],
      i: number,
    ) => Row;
    RowObject.prototype = ROW_PROTOTYPE;
    f = (cols, i) => new RowObject(cols, i);
    if (factories.size > 1000) factories.clear();
    factories.set(key, f);
  }
  return f;
}
