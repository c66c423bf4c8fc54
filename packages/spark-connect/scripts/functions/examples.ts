/**
 * The examples in a function's `DESCRIBE FUNCTION EXTENDED` text: each `> SELECT …;` line with
 * the result lines printed under it. Pure; shared by the registry dump (which keeps only facts
 * derived from them) and the conformance test (which reads them live from the server).
 */
export interface Example {
  /** The SQL statement without its trailing `;`. */
  sql: string;
  /** The result text Spark's docs print under it (may be empty, or an error class). */
  expected: string;
}

export function examplesOf(describe: string): Example[] {
  const section = describe.split(/\n\s*Examples:\s*\n/)[1];
  if (!section) return [];
  const out: Example[] = [];
  let current: { sql: string[]; expected: string[]; open: boolean } | undefined;
  const finish = () => {
    if (current)
      out.push({
        sql: current.sql.join(" ").replace(/;\s*$/, "").trim(),
        expected: current.expected.join("\n"),
      });
  };
  for (const line of section.split("\n")) {
    const t = line.trim();
    if (/^(Since|Note|Group|Deprecated):/.test(t)) break;
    if (t.startsWith("> ")) {
      finish();
      current = { sql: [t.slice(2)], expected: [], open: !t.endsWith(";") };
    } else if (current?.open) {
      current.sql.push(t);
      current.open = !t.endsWith(";");
    } else if (current && t) current.expected.push(t);
  }
  finish();
  return out;
}

/** One call found in an example's select list: its argument texts and the SQL around it. */
export interface ExampleCall {
  args: string[];
  /** Everything after the call's closing parenthesis (e.g. ` FROM VALUES (1) AS t(a)`). */
  after: string;
  /** Text between `SELECT` and the call (non-empty when the call is not the whole select item). */
  before: string;
}

/**
 * Finds the first top-level `fnName(...)` after `SELECT` and splits its arguments at top-level
 * commas, respecting quotes, backquotes and brackets. Null when the example has no such call.
 */
export function callIn(sql: string, fnName: string): ExampleCall | null {
  const m = /^\s*SELECT\s+/i.exec(sql);
  if (!m) return null;
  const lower = sql.toLowerCase();
  let start = -1;
  for (let i = m[0].length; i < sql.length; i++) {
    if (lower.startsWith(`${fnName}(`, i) && !/[a-z0-9_]/.test(lower[i - 1] ?? " ")) {
      start = i;
      break;
    }
  }
  if (start < 0) return null;
  const args: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let current = "";
  for (let i = start + fnName.length; i < sql.length; i++) {
    const ch = sql[i] as string;
    if (quote) {
      current += ch;
      if (ch === "\\") {
        current += sql[++i] ?? "";
      } else if (ch === quote) quote = null;
      continue;
    }
    if (ch === "'" || ch === '"' || ch === "`") quote = ch;
    if (ch === "(" || ch === "[") {
      depth++;
      if (depth === 1) continue;
    }
    if (ch === ")" || ch === "]") {
      depth--;
      if (depth === 0) {
        if (current.trim() || args.length) args.push(current.trim());
        return { args, after: sql.slice(i + 1), before: sql.slice(m[0].length, start) };
      }
    }
    if (ch === "," && depth === 1) {
      args.push(current.trim());
      current = "";
      continue;
    }
    current += ch;
  }
  return null;
}
