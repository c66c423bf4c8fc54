/**
 * A deliberately small reader for the Spark SQL snippets in a spec (derive, where, metrics, rules). It
 * does not parse SQL; it finds the bare identifiers that must be columns, so a typo in a column name is
 * reported before Spark is started. It errs on the side of silence: anything that could be a keyword,
 * function, type, alias, struct field or lambda variable is not treated as a column.
 */

/** A column named in a SQL snippet, with its offset in the snippet. */
export interface SqlColumnRef {
  name: string;
  /** What comes before a dot: `l`/`r` in a join condition, else a struct column (`address.city`). */
  qualifier?: { name: string; offset: number; text: string };
  offset: number;
  /** The text as written (with backticks, if any), for pointing at it. */
  text: string;
}

type TokenKind = "ident" | "quoted_ident" | "string" | "number" | "punct";
interface Token {
  kind: TokenKind;
  text: string;
  value: string;
  offset: number;
}

// Words that are never column references in an expression (keywords, type names, interval units, and
// niladic functions Spark accepts without parentheses).
const NOT_COLUMNS = new Set(
  (
    "and or not null true false is in like ilike rlike regexp between case when then else end as cast try_cast " +
    "distinct all any some exists interval asc desc nulls first last over partition by order rows range " +
    "preceding following current row unbounded escape div from for both leading trailing within group " +
    "respect ignore filter where using on is_distinct collate " +
    "string boolean tinyint byte smallint short int integer bigint long float real double decimal dec numeric " +
    "date timestamp timestamp_ntz timestamp_ltz binary varchar char array map struct variant void " +
    "year years month months week weeks day days hour hours minute minutes second seconds millisecond " +
    "milliseconds microsecond microseconds quarter dayofweek dayofyear dow doy epoch to " +
    "current_date current_timestamp current_user current_time localtimestamp session_user user"
  ).split(/\s+/),
);

function tokenize(sql: string): { tokens: Token[]; error?: string } {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (sql.startsWith("--", i)) {
      while (i < sql.length && sql[i] !== "\n") i++;
    } else if (sql.startsWith("/*", i)) {
      const end = sql.indexOf("*/", i + 2);
      if (end < 0) return { tokens, error: "unterminated /* comment" };
      i = end + 2;
    } else if (c === "'" || c === '"' || c === "`") {
      let j = i + 1;
      let value = "";
      for (;;) {
        if (j >= sql.length) {
          return {
            tokens,
            error:
              c === "`"
                ? "unterminated `quoted name`"
                : `unterminated string starting at ${sql.slice(i, i + 12)}`,
          };
        }
        const d = sql[j]!;
        if (d === "\\" && c !== "`") {
          value += sql[j + 1] ?? "";
          j += 2;
        } else if (d === c && sql[j + 1] === c) {
          value += c;
          j += 2;
        } else if (d === c) {
          j++;
          break;
        } else {
          value += d;
          j++;
        }
      }
      tokens.push({ kind: c === "`" ? "quoted_ident" : "string", text: sql.slice(i, j), value, offset: i });
      i = j;
    } else if (/[0-9]/.test(c) || (c === "." && /[0-9]/.test(sql[i + 1] ?? ""))) {
      const match = /^(\d*\.?\d+|\d+\.)([eE][+-]?\d+)?[A-Za-z]*/.exec(sql.slice(i))!;
      tokens.push({ kind: "number", text: match[0], value: match[0], offset: i });
      i += match[0].length;
    } else if (/[\p{L}_]/u.test(c)) {
      const match = /^[\p{L}_][\p{L}\p{N}_]*/u.exec(sql.slice(i))!;
      tokens.push({ kind: "ident", text: match[0], value: match[0], offset: i });
      i += match[0].length;
    } else {
      const two = sql.slice(i, i + 2);
      const text = ["->", "=>", "::", "<=", ">=", "<>", "!=", "==", "||", "<=>"].includes(sql.slice(i, i + 3))
        ? sql.slice(i, i + 3)
        : ["->", "=>", "::", "<=", ">=", "<>", "!=", "==", "||"].includes(two)
          ? two
          : c;
      tokens.push({ kind: "punct", text, value: text, offset: i });
      i += text.length;
    }
  }
  let depth = 0;
  for (const t of tokens) {
    if (t.text === "(") depth++;
    if (t.text === ")") depth--;
    if (depth < 0) return { tokens, error: `unbalanced ")" at offset ${t.offset}` };
  }
  if (depth > 0) return { tokens, error: `${depth} unclosed "("` };
  return { tokens };
}

/** Names bound by lambdas (`x -> ...`, `(acc, x) -> ...`) anywhere in the snippet. */
function lambdaVariables(tokens: Token[]): Set<string> {
  const names = new Set<string>();
  tokens.forEach((t, i) => {
    if (t.text !== "->") return;
    const before = tokens[i - 1];
    if (before?.kind === "ident") names.add(before.value.toLowerCase());
    if (before?.text === ")") {
      for (let j = i - 2; j >= 0 && tokens[j]!.text !== "("; j--) {
        if (tokens[j]!.kind === "ident") names.add(tokens[j]!.value.toLowerCase());
      }
    }
  });
  return names;
}

/**
 * The columns a Spark SQL snippet refers to, or an error when its quotes, comments or parentheses do
 * not close (Spark would reject it too).
 */
export function sqlColumnReferences(sql: string): { refs: SqlColumnRef[]; error?: string } {
  const { tokens, error } = tokenize(sql);
  if (error !== undefined) return { refs: [], error };
  const lambdas = lambdaVariables(tokens);
  const refs: SqlColumnRef[] = [];
  tokens.forEach((t, i) => {
    if (t.kind !== "ident" && t.kind !== "quoted_ident") return;
    const prev = tokens[i - 1];
    const next = tokens[i + 1];
    const lower = t.value.toLowerCase();
    if (t.kind === "ident" && (NOT_COLUMNS.has(lower) || lambdas.has(lower))) return;
    if (prev && [".", "::", ":"].includes(prev.text)) return; // struct field, `::type`, variant path
    if (prev?.kind === "ident" && prev.value.toLowerCase() === "as") return; // alias or cast target
    if (next?.text === "(" && t.kind === "ident") return; // function call
    if (next?.kind === "string" && t.kind === "ident") return; // typed literal: date '2024-01-01'
    if (next?.text === "=>") return; // named argument
    const after = tokens[i + 2];
    if (next?.text === "." && after && (after.kind === "ident" || after.kind === "quoted_ident")) {
      refs.push({
        name: after.value,
        qualifier: { name: t.value, offset: t.offset, text: t.text },
        offset: after.offset,
        text: after.text,
      });
      return;
    }
    refs.push({ name: t.value, offset: t.offset, text: t.text });
  });
  return { refs };
}

/** The column of an order term like `"updated_at desc nulls last"`. */
export function orderTermColumn(term: string): string {
  const match = /^\s*(`[^`]+`|[^\s`]+)/.exec(term);
  const name = match?.[1] ?? term.trim();
  return name.startsWith("`") ? name.slice(1, -1) : name;
}
