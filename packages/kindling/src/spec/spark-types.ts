/**
 * Spark SQL type names as written in specs (`int`, `decimal(12,2)`, `array<string>`), checked and
 * normalised to Spark's own short form so they can be compared with the types Spark resolves.
 */
import { didYouMean } from "./suggest.js";

/** Simple type names and the name Spark prints for each. */
const SIMPLE_TYPES: Record<string, string> = {
  string: "string",
  boolean: "boolean",
  tinyint: "tinyint",
  byte: "tinyint",
  smallint: "smallint",
  short: "smallint",
  int: "int",
  integer: "int",
  bigint: "bigint",
  long: "bigint",
  float: "float",
  real: "float",
  double: "double",
  date: "date",
  timestamp: "timestamp",
  timestamp_ltz: "timestamp",
  timestamp_ntz: "timestamp_ntz",
  binary: "binary",
  variant: "variant",
};
const DECIMAL_NAMES = new Set(["decimal", "dec", "numeric"]);
const KNOWN_NAMES = [
  ...Object.keys(SIMPLE_TYPES),
  ...DECIMAL_NAMES,
  "varchar",
  "char",
  "array",
  "map",
  "struct",
];

/** The result of reading a type: its normalised text, or why it is not a Spark type. */
export type SparkTypeResult =
  | { ok: true; type: string }
  | { ok: false; message: string; suggestion?: string };

class TypeSyntaxError extends Error {
  constructor(
    message: string,
    readonly suggestion?: string,
  ) {
    super(message);
  }
}

/** A tiny recursive-descent reader over one type string. */
class TypeReader {
  private pos = 0;
  constructor(private readonly text: string) {}

  read(): string {
    const type = this.type();
    this.skipSpace();
    if (this.pos < this.text.length)
      throw new TypeSyntaxError(`unexpected ${JSON.stringify(this.text.slice(this.pos))}`);
    return type;
  }

  private skipSpace(): void {
    while (/\s/.test(this.text[this.pos] ?? "")) this.pos++;
  }

  private word(): string {
    this.skipSpace();
    const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.pos));
    if (!match)
      throw new TypeSyntaxError(
        `expected a type name at ${JSON.stringify(this.text.slice(this.pos) || "the end")}`,
      );
    this.pos += match[0].length;
    return match[0];
  }

  private expect(char: string): void {
    this.skipSpace();
    if (this.text[this.pos] !== char)
      throw new TypeSyntaxError(`expected "${char}" in ${JSON.stringify(this.text)}`);
    this.pos++;
  }

  private peek(char: string): boolean {
    this.skipSpace();
    return this.text[this.pos] === char;
  }

  private integer(): number {
    this.skipSpace();
    const match = /^\d+/.exec(this.text.slice(this.pos));
    if (!match) throw new TypeSyntaxError(`expected a number in ${JSON.stringify(this.text)}`);
    this.pos += match[0].length;
    return Number(match[0]);
  }

  private type(): string {
    const raw = this.word();
    const name = raw.toLowerCase();
    if (SIMPLE_TYPES[name] !== undefined) return SIMPLE_TYPES[name];
    if (DECIMAL_NAMES.has(name)) {
      if (!this.peek("(")) return "decimal(10,0)";
      this.expect("(");
      const precision = this.integer();
      let scale = 0;
      if (this.peek(",")) {
        this.expect(",");
        scale = this.integer();
      }
      this.expect(")");
      if (precision < 1 || precision > 38)
        throw new TypeSyntaxError(`decimal precision must be 1..38, found ${precision}`);
      if (scale > precision)
        throw new TypeSyntaxError(`decimal scale ${scale} is larger than its precision ${precision}`);
      return `decimal(${precision},${scale})`;
    }
    if (name === "varchar" || name === "char") {
      this.expect("(");
      const length = this.integer();
      this.expect(")");
      return `${name}(${length})`;
    }
    if (name === "array") {
      this.expect("<");
      const element = this.type();
      this.expect(">");
      return `array<${element}>`;
    }
    if (name === "map") {
      this.expect("<");
      const key = this.type();
      this.expect(",");
      const value = this.type();
      this.expect(">");
      return `map<${key},${value}>`;
    }
    if (name === "struct") {
      this.expect("<");
      const fields: string[] = [];
      while (!this.peek(">")) {
        if (fields.length > 0) this.expect(",");
        const field = this.word();
        if (this.peek(":")) this.expect(":");
        fields.push(`${field}:${this.type()}`);
      }
      this.expect(">");
      return `struct<${fields.join(",")}>`;
    }
    const suggestion = didYouMean(name, KNOWN_NAMES);
    throw new TypeSyntaxError(`unknown type ${JSON.stringify(raw)}`, suggestion);
  }
}

/** Reads a Spark SQL type name; on success returns Spark's short form (`integer` → `int`). */
export function parseSparkType(text: string): SparkTypeResult {
  try {
    return { ok: true, type: new TypeReader(text).read() };
  } catch (err) {
    if (!(err instanceof TypeSyntaxError)) throw err;
    return {
      ok: false,
      message: err.message,
      ...(err.suggestion === undefined ? {} : { suggestion: err.suggestion }),
    };
  }
}

/** A column read from a DDL string, with its type text as written. */
export interface DdlColumn {
  name: string;
  type: string;
}

/** Splits `text` on `separator` where it is not nested in (), <> or quotes. */
function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"' || c === "`") quote = c;
    else if (c === "(" || c === "<") depth++;
    else if (c === ")" || c === ">") depth--;
    else if (c === separator && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/**
 * Reads a DDL column list such as `"order_id STRING, qty INT NOT NULL, price DECIMAL(10,2) COMMENT 'x'"`.
 * Returns the columns, or a message naming the first part that is not `<name> <type>`.
 */
export function parseDdl(text: string): { ok: true; columns: DdlColumn[] } | { ok: false; message: string } {
  const columns: DdlColumn[] = [];
  for (const part of splitTopLevel(text, ",")) {
    const match = /^\s*(`[^`]+`|[A-Za-z_][A-Za-z0-9_]*)\s*:?\s+(.+?)\s*$/s.exec(part);
    if (!match)
      return {
        ok: false,
        message: `expected "<name> <type>" in the schema, found ${JSON.stringify(part.trim())}`,
      };
    const name = match[1]!.startsWith("`") ? match[1]!.slice(1, -1) : match[1]!;
    const type = match[2]!
      .replace(/\s+COMMENT\s+'(?:[^'\\]|\\.)*'\s*$/i, "")
      .replace(/\s+NOT\s+NULL\s*$/i, "");
    columns.push({ name, type });
  }
  return { ok: true, columns };
}
