/**
 * Reads a function's signature out of the pinned Spark's `DESCRIBE FUNCTION EXTENDED` text and
 * decides, per parameter, whether it is a column, a literal or a lambda. Pure; used by the registry
 * dump (facts.ts, which commits the result), the generator (hand-written signatures) and the
 * conformance test (which needs the same parameter kinds).
 */

/** How a wrapper takes one argument. */
export type ParamKind = "col" | "lit" | "fn";

export interface Param {
  /** camelCase TypeScript name. */
  name: string;
  kind: ParamKind;
  optional: boolean;
  /** A rest parameter (`...cols`): any number of arguments of this kind. */
  rest: boolean;
}

export interface Signature {
  params: Param[];
}

/**
 * Parameter names whose argument Spark wants as a constant (a format, a pattern, a count, a unit,
 * an option) or that PySpark's `functions` types as a plain value. A JS string given for one of
 * these is a literal. Everything else is a column: a JS string names a column.
 */
const LITERAL_NAMES = new Set(
  `fmt format strfmt mode options pos position len length regexp regex pattern timezone unit field
  delimiter delim sep pad padding seed scale percentage accuracy lgNomEntries lgConfigK charset path
  schema jsonFormatSchema messageName descFilePath xpath trimStr partToExtract idx index n offset limit
  count num_bucket bucketSize precision eps confidence relativeSD isIgnoreNull ascendingOrder
  deterministic roundOff endianness collationName type frequency threshold maxItemsTracked
  allowDifferentLgConfigK bitLength from_base to_base window_duration slide_duration start_time
  gap_duration sourceTz targetTz upperChar lowerChar digitChar otherChar pairDelim keyValueDelim
  nullReplacement default degree d num_days num_months value val element search replace substr
  str2 partNum rep lang country aad iv nb k day_of_week message numBits ignoreNulls`.split(/\s+/),
);

/** Parameter names of higher-order functions that take a lambda. */
const LAMBDA_NAMES = new Set(["func", "merge", "finish", "pred", "function"]);

/** Words in SQL-syntax signatures (`trim(BOTH trimStr FROM str)`), which wrappers cannot mirror. */
const SQL_SYNTAX = /\b(FROM|FOR|AS|BOTH|LEADING|TRAILING|DISTINCT|IGNORE|RESPECT|WITHIN|ORDER)\b|\*/;

const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_, ch: string) => ch.toUpperCase());

/** Splits `a, b[, c[, d]]` into names with their optionality; `...` marks repetition. */
function splitParams(text: string): { name: string; optional: boolean }[] {
  const out: { name: string; optional: boolean }[] = [];
  let depth = 0;
  let current = "";
  let currentOptional = false;
  const flush = () => {
    const name = current.trim();
    if (name) out.push({ name, optional: currentOptional });
    current = "";
  };
  for (const ch of text) {
    if (ch === "[") {
      flush();
      depth++;
      currentOptional = true;
    } else if (ch === "]") {
      flush();
      depth--;
      currentOptional = depth > 0;
    } else if (ch === ",") {
      flush();
      currentOptional = depth > 0;
    } else current += ch;
  }
  flush();
  return out;
}

function kindOf(sqlName: string): ParamKind {
  const stem = sqlName.replace(/\d+$/, "");
  if (LAMBDA_NAMES.has(sqlName)) return "fn";
  if (LITERAL_NAMES.has(sqlName) || LITERAL_NAMES.has(stem)) return "lit";
  return "col";
}

/** Parses one `name(params)` usage into parameters, or null when it is SQL syntax. */
export function parseUsage(argText: string): Param[] | null {
  if (SQL_SYNTAX.test(argText)) return null;
  const raw = splitParams(argText);
  const dots = raw.findIndex((p) => /^\.\.+|^[a-zA-Z_]+\.\.\.$/.test(p.name));
  let params = raw;
  let restFrom = -1;
  if (dots >= 0) {
    // `expr1, expr2, ...`: the repetition starts at the first numbered parameter (or the one just
    // before the dots); it and everything after become one rest parameter.
    const numbered = raw.findIndex((p, i) => i < dots && /\d$/.test(p.name));
    restFrom = numbered >= 0 ? numbered : Math.max(0, dots - 1);
    if (/^[a-zA-Z_]+\.\.\.$/.test(raw[dots]?.name ?? "")) restFrom = dots;
    params = raw.slice(0, restFrom + 1);
  }
  const seen = new Set<string>();
  return params.map((p, i) => {
    const sqlName = p.name.replace(/\.\.\.$/, "").replace(/[^A-Za-z0-9_]/g, "") || "arg";
    const rest = i === restFrom;
    let name = camel(rest ? `${sqlName.replace(/\d+$/, "")}s` : sqlName);
    if (RESERVED.has(name)) name = `${name}Value`;
    while (seen.has(name)) name = `${name}_`;
    seen.add(name);
    return { name, kind: kindOf(sqlName), optional: p.optional && !rest, rest };
  });
}

/**
 * All `name(params) - description` usages of one function, merged into one TypeScript signature:
 * the longest usage wins; parameters past the shortest usage's arity, or past the fewest arguments
 * one of Spark's own examples passes, become optional.
 */
export function signatureOf(
  fnName: string,
  usageText: string,
  exampleArities: number[] = [],
): Signature | null {
  const re = new RegExp(`${fnName.replace(/[^a-z0-9_]/g, "\\$&")}\\(((?:[^()]|\\([^()]*\\))*)\\)\\s*-`, "g");
  const parsed: { params: Param[] }[] = [];
  for (const m of usageText.matchAll(re)) {
    const params = parseUsage(m[1] ?? "");
    if (params) parsed.push({ params });
  }
  if (parsed.length === 0) return null;
  const longest = parsed.reduce((a, b) => (b.params.length > a.params.length ? b : a));
  const minArity = Math.min(
    ...parsed.map((p) => p.params.filter((x) => !x.optional && !x.rest).length),
    ...exampleArities,
  );
  const params = longest.params.map((p, i) => ({ ...p, optional: p.optional || (!p.rest && i >= minArity) }));
  // A required parameter cannot follow an optional one in TypeScript.
  const firstOptional = params.findIndex((p) => p.optional);
  if (firstOptional >= 0)
    for (let i = firstOptional; i < params.length; i++) {
      const p = params[i];
      if (p && !p.rest) p.optional = true;
    }
  return { params };
}

/** Reads a compact hand-written signature: `"str:col, pos:lit, len?:lit, ...cols:col, f:fn"`. */
export function parseCompact(spec: string): Param[] {
  if (!spec.trim()) return [];
  return spec.split(",").map((part) => {
    const m = /^\s*(\.\.\.)?([A-Za-z_][A-Za-z0-9_]*)(\?)?:(col|lit|fn)\s*$/.exec(part);
    if (!m) throw new Error(`bad signature part "${part}" in "${spec}"`);
    return { name: m[2] as string, kind: m[4] as ParamKind, optional: m[3] === "?", rest: m[1] === "..." };
  });
}

/** JS words that cannot be parameter or export names. */
export const RESERVED = new Set(
  `break case catch class const continue debugger default delete do else enum export extends false
  finally for function if import in instanceof new null return super switch this throw true try
  typeof var void while with yield let static implements interface package private protected
  public await arguments eval`.split(/\s+/),
);

/** snake_case SQL name → camelCase export name. */
export const camelName = camel;
