/**
 * Column propagation: the columns (and, where knowable, types) of every source and step, worked out from
 * the declared source schemas through each step. References to columns that do not exist are reported
 * with a did-you-mean. Downstream of a source without a declared schema nothing is known, and nothing is
 * checked. Names are matched ignoring case, as Spark does by default.
 */
import type { SpecPath } from "../errors.js";
import { type IssueDraft, suggestSuffix } from "../issues.js";
import type {
  AggregateStepSpec,
  CleanStepSpec,
  EnrichStepSpec,
  SelectStepSpec,
  SourceSpec,
  StepSpec,
} from "../schema.js";
import { parseDdl, parseSparkType } from "../spark-types.js";
import { orderTermColumn, sqlColumnReferences } from "../sql.js";
import { didYouMean } from "../suggest.js";
import { checkTypeName } from "./consistency.js";
import { joinKeyTypeMessage, keyTypesClash } from "./join-keys.js";
import type { PipelineParts } from "./parts.js";
import { ruleArgumentIssues } from "./rule-arguments.js";

/** A column of a dataset; `type` is Spark's short type name when it can be known without Spark. */
export interface InferredColumn {
  name: string;
  type?: string;
}

/** A dataset's columns, or undefined when they cannot be known before Spark reads the data. */
export type DatasetColumns = readonly InferredColumn[] | undefined;

function column(name: string, type: string | undefined): InferredColumn {
  return type === undefined ? { name } : { name, type };
}

function find(columns: readonly InferredColumn[], name: string): InferredColumn | undefined {
  const lower = name.toLowerCase();
  return columns.find((c) => c.name.toLowerCase() === lower);
}

function normalisedType(text: string): string | undefined {
  const parsed = parseSparkType(text);
  return parsed.ok ? parsed.type : undefined;
}

/** The declared columns of a source, or undefined when it declares none (or the DDL does not read). */
export function sourceColumns(source: SourceSpec): DatasetColumns {
  if (source.schema === undefined) return undefined;
  if (typeof source.schema === "string") {
    const ddl = parseDdl(source.schema);
    return ddl.ok ? ddl.columns.map((c) => column(c.name, normalisedType(c.type))) : undefined;
  }
  return source.schema.map((c) => column(c.name, normalisedType(c.type)));
}

/** A best guess at the type of a derived expression; undefined when only Spark can tell. */
function guessType(sql: string, columns: readonly InferredColumn[]): string | undefined {
  const text = sql.trim();
  const cast = /^(?:try_)?cast\s*\(.*\s+as\s+([^()]+(?:\([^()]*\))?)\s*\)$/is.exec(text);
  if (cast) return normalisedType(cast[1]!);
  if (/^(to_date|date_trunc_date|current_date)\b/i.test(text)) return "date";
  if (/^(to_timestamp|current_timestamp)\b/i.test(text)) return "timestamp";
  if (/^(count|count_if)\s*\(/i.test(text)) return "bigint";
  if (/^(concat|concat_ws|upper|lower|trim|date_format|substring|initcap)\s*\(/i.test(text)) return "string";
  if (/^(year|month|day|dayofmonth|dayofweek|dayofyear|hour|minute|quarter|weekofyear)\s*\(/i.test(text))
    return "int";
  const bare = /^`?([\p{L}_][\p{L}\p{N}_]*)`?$/u.exec(text);
  return bare ? find(columns, bare[1]!)?.type : undefined;
}

/** Collects issues while walking one step, against the columns in scope. */
class ColumnChecker {
  readonly issues: IssueDraft[] = [];

  /** Reports `name` unless it is one of `columns`; `where` names the dataset in the message. */
  require(
    columns: readonly InferredColumn[],
    name: string,
    path: SpecPath,
    where: string,
    extra: Partial<IssueDraft> = {},
  ): boolean {
    if (find(columns, name)) return true;
    const names = columns.map((c) => c.name);
    const suggestion = didYouMean(name, names);
    const known = names.length > 12 ? `${names.slice(0, 12).join(", ")}, ...` : names.join(", ");
    const hint = suggestion === undefined ? ` (it has: ${known})` : suggestSuffix(suggestion);
    this.issues.push({
      code: "unknown_column",
      path,
      message: `unknown column ${JSON.stringify(name)} in ${where}${hint}`,
      ...(suggestion === undefined ? {} : { suggestion }),
      ...extra,
    });
    return false;
  }

  /**
   * Checks a SQL snippet: that it closes its quotes and parentheses, and (when columns are known) that
   * the columns it names exist. In a join condition `sides` maps `l`/`r` to each side's columns.
   */
  sql(
    sql: string,
    path: SpecPath,
    columns: DatasetColumns,
    where: string,
    sides?: Record<string, [DatasetColumns, string]>,
  ): void {
    const { refs, error } = sqlColumnReferences(sql);
    if (error !== undefined) {
      this.issues.push({ code: "invalid_sql", path, message: `invalid SQL expression: ${error}` });
      return;
    }
    for (const ref of refs) {
      const side = ref.qualifier && sides?.[ref.qualifier.name.toLowerCase()];
      if (side) {
        if (side[0])
          this.require(side[0], ref.name, path, side[1], { token: { text: ref.text, offset: ref.offset } });
      } else if (columns) {
        const target = ref.qualifier ?? ref; // `a.b` outside a join is field b of struct column a
        this.require(columns, target.name, path, where, {
          token: { text: target.text, offset: target.offset },
        });
      }
    }
  }
}

function cleanColumns(
  step: CleanStepSpec,
  base: SpecPath,
  input: DatasetColumns,
  where: string,
  check: ColumnChecker,
  lookup: (name: string) => DatasetColumns,
): DatasetColumns {
  for (const rule of step.rules ?? []) {
    if (rule.check === "references") {
      const target = lookup(rule.references.source);
      const r = step.rules!.indexOf(rule);
      if (target)
        check.require(
          target,
          rule.references.column,
          [...base, "rules", r, "references", "column"],
          `dataset "${rule.references.source}"`,
        );
    }
  }
  step.rules?.forEach((rule, r) => {
    if (rule.check === "expression")
      check.sql(rule.condition, [...base, "rules", r, "condition"], input, where);
  });
  if (!input) return undefined;
  const has = (name: string, path: SpecPath, extra: Partial<IssueDraft> = {}) =>
    check.require(input, name, path, where, extra);
  if (Array.isArray(step.trim))
    step.trim.forEach((c, i) => {
      has(c, [...base, "trim", i]);
    });
  if (Array.isArray(step.nulls?.columns))
    step.nulls.columns.forEach((c, i) => {
      has(c, [...base, "nulls", "columns", i]);
    });
  for (const c of Object.keys(step.nulls?.defaults ?? {}))
    has(c, [...base, "nulls", "defaults", c], { at: "key" });
  for (const c of Object.keys(step.case ?? {})) has(c, [...base, "case", c], { at: "key" });
  step.standardize?.forEach((s, i) => {
    has(s.column, [...base, "standardize", i, "column"]);
  });
  for (const c of Object.keys(step.casts ?? {})) has(c, [...base, "casts", c], { at: "key" });
  step.dedupe?.keys.forEach((c, i) => {
    has(c, [...base, "dedupe", "keys", i]);
  });
  step.dedupe?.order_by?.forEach((term, i) => {
    const name = orderTermColumn(term);
    has(name, [...base, "dedupe", "order_by", i], { token: { text: name, offset: term.indexOf(name) } });
  });
  const output = input.map((c) => {
    const entry = Object.entries(step.casts ?? {}).find(
      ([name]) => name.toLowerCase() === c.name.toLowerCase(),
    );
    if (!entry) return c;
    const type = typeof entry[1] === "string" ? entry[1] : entry[1].type;
    return column(c.name, normalisedType(type));
  });
  step.rules?.forEach((rule, r) => {
    const at: SpecPath = [...base, "rules", r];
    if (rule.check === "not_null" || rule.check === "unique")
      rule.columns.forEach((c, i) => {
        has(c, [...at, "columns", i]);
      });
    if (
      rule.check === "range" ||
      rule.check === "regex" ||
      rule.check === "accepted_values" ||
      rule.check === "references"
    )
      has(rule.column, [...at, "column"]);
    // Rules run after the casts: a bound is checked against the column's type after them.
    if (rule.check === "range" || rule.check === "accepted_values")
      check.issues.push(...ruleArgumentIssues(rule, at, find(output, rule.column)?.type));
  });
  return output;
}

function enrichColumns(
  step: EnrichStepSpec,
  base: SpecPath,
  input: DatasetColumns,
  where: string,
  check: ColumnChecker,
  lookup: (name: string) => DatasetColumns,
): DatasetColumns {
  let current: InferredColumn[] | undefined = input ? [...input] : undefined;
  step.joins?.forEach((join, j) => {
    const at: SpecPath = [...base, "joins", j];
    const right = lookup(join.with);
    checkJoinKeys(step.name, join, at, current, right, where, check);
    if (join.select && right)
      join.select.forEach((c, i) => {
        check.require(right, c, [...at, "select", i], `lookup "${join.with}"`);
      });
    if (join.type === "semi" || join.type === "anti" || !current) return;
    const added = joinedColumns(join, right);
    if (added) addJoinedColumns(current, added, join, at, where, check);
    else current = undefined;
  });
  deriveColumns(step, base, current, where, check);
  if (current) datePartColumns(step, base, current, where, check);
  return current;
}

type JoinSpec = NonNullable<EnrichStepSpec["joins"]>[number];

/** A join's keys exist on both sides with types that compare (or its SQL condition parses). */
function checkJoinKeys(
  stepName: string,
  join: JoinSpec,
  at: SpecPath,
  current: InferredColumn[] | undefined,
  right: DatasetColumns,
  where: string,
  check: ColumnChecker,
): void {
  const rightWhere = `lookup "${join.with}"`;
  if (join.key_type !== undefined) {
    check.issues.push(...checkTypeName(join.key_type, [...at, "key_type"]));
    if (!Array.isArray(join.on))
      check.issues.push({
        code: "conflict",
        path: [...at, "key_type"],
        message: "key_type needs `on` as a list of key columns (cast inside the condition instead)",
      });
  }
  if (!Array.isArray(join.on)) {
    check.sql(join.on, [...at, "on"], undefined, where, { l: [current, where], r: [right, rightWhere] });
    return;
  }
  join.on.forEach((key, k) => {
    const l =
      current && check.require(current, key, [...at, "on", k], where) ? find(current, key) : undefined;
    const r = right && check.require(right, key, [...at, "on", k], rightWhere) ? find(right, key) : undefined;
    if (join.key_type === undefined && l?.type && r?.type && keyTypesClash(l.type, r.type))
      check.issues.push({
        code: "conflict",
        path: [...at, "on", k],
        message: `step "${stepName}": ${joinKeyTypeMessage(key, l.type, where, join.with, r.type)}`,
      });
  });
}

/** The columns a join adds (its select, or every lookup column but the keys, prefixed); undefined when unknown. */
function joinedColumns(join: JoinSpec, right: DatasetColumns): InferredColumn[] | undefined {
  if (join.select)
    return join.select.map((c) => column(`${join.prefix ?? ""}${c}`, right && find(right, c)?.type));
  if (!right) return undefined;
  const keys = new Set(Array.isArray(join.on) ? join.on.map((k) => k.toLowerCase()) : []);
  return right
    .filter((c) => !keys.has(c.name.toLowerCase()))
    .map((c) => column(`${join.prefix ?? ""}${c.name}`, c.type));
}

/** Appends a join's columns to `current`, reporting each that is already there. */
function addJoinedColumns(
  current: InferredColumn[],
  added: InferredColumn[],
  join: JoinSpec,
  at: SpecPath,
  where: string,
  check: ColumnChecker,
): void {
  for (const c of added) {
    if (find(current, c.name)) {
      check.issues.push({
        code: "conflict",
        path: join.select ? [...at, "select"] : at,
        message: `column ${JSON.stringify(c.name)} from "${join.with}" is already in ${where}; set a prefix or select other columns`,
      });
    } else {
      current.push(c);
    }
  }
}

/** `derive:` expressions, each checked and added to (or replacing a column of) `current` when known. */
function deriveColumns(
  step: EnrichStepSpec,
  base: SpecPath,
  current: InferredColumn[] | undefined,
  where: string,
  check: ColumnChecker,
): void {
  for (const [name, sql] of Object.entries(step.derive ?? {})) {
    check.sql(sql, [...base, "derive", name], current, where);
    if (!current) continue;
    const derived = column(name, guessType(sql, current));
    const existing = current.findIndex((c) => c.name.toLowerCase() === name.toLowerCase());
    if (existing >= 0) current[existing] = derived;
    else current.push(derived);
  }
}

/** `date_parts:` on a date or timestamp column, each part added as an int column. */
function datePartColumns(
  step: EnrichStepSpec,
  base: SpecPath,
  current: InferredColumn[],
  where: string,
  check: ColumnChecker,
): void {
  step.date_parts?.forEach((parts, d) => {
    const at: SpecPath = [...base, "date_parts", d];
    if (!check.require(current, parts.column, [...at, "column"], where)) return;
    const type = find(current, parts.column)?.type;
    if (type !== undefined && !["date", "timestamp", "timestamp_ntz"].includes(type))
      check.issues.push({
        code: "invalid_value",
        path: [...at, "column"],
        message: `expected a date or timestamp column, found ${JSON.stringify(parts.column)} of type ${type} (cast it in a clean step first)`,
      });
    for (const part of parts.parts)
      current.push(column(`${parts.prefix ?? `${parts.column}_`}${part}`, "int"));
  });
}

function aggregateColumns(
  step: AggregateStepSpec,
  base: SpecPath,
  input: DatasetColumns,
  where: string,
  check: ColumnChecker,
): DatasetColumns {
  step.group_by?.forEach((c, i) => {
    if (input) check.require(input, c, [...base, "group_by", i], where);
  });
  for (const [name, sql] of Object.entries(step.metrics ?? {}))
    check.sql(sql, [...base, "metrics", name], input, where);
  let grouped: InferredColumn[] | undefined;
  if (input) {
    grouped =
      step.group_by || step.metrics
        ? [
            ...(step.group_by ?? []).map((c) => column(c, find(input, c)?.type)),
            ...Object.entries(step.metrics ?? {}).map(([name, sql]) => column(name, guessType(sql, input))),
          ]
        : [...input];
  }
  const groupedWhere = step.group_by || step.metrics ? `the grouped rows of step "${step.name}"` : where;
  for (const [name, window] of Object.entries(step.windows ?? {})) {
    const at: SpecPath = [...base, "windows", name];
    check.sql(window.expression, [...at, "expression"], grouped, groupedWhere);
    if (!grouped) continue;
    window.partition_by?.forEach((c, i) => {
      check.require(grouped!, c, [...at, "partition_by", i], groupedWhere);
    });
    window.order_by?.forEach((term, i) => {
      const c = orderTermColumn(term);
      check.require(grouped!, c, [...at, "order_by", i], groupedWhere, {
        token: { text: c, offset: term.indexOf(c) },
      });
    });
  }
  return grouped && [...grouped, ...Object.keys(step.windows ?? {}).map((name) => column(name, undefined))];
}

function selectColumns(
  step: SelectStepSpec,
  base: SpecPath,
  input: DatasetColumns,
  where: string,
  check: ColumnChecker,
): DatasetColumns {
  if (!input) return undefined;
  let current: InferredColumn[] = [...input];
  if (step.columns) {
    const kept: InferredColumn[] = [];
    step.columns.forEach((c, i) => {
      if (check.require(input, c, [...base, "columns", i], where)) kept.push(find(input, c)!);
    });
    current = kept;
  }
  for (const [from, to] of Object.entries(step.rename ?? {})) {
    if (!check.require(current, from, [...base, "rename", from], where, { at: "key" })) continue;
    const clash = find(current, to);
    if (clash && clash.name.toLowerCase() !== from.toLowerCase()) {
      check.issues.push({
        code: "conflict",
        path: [...base, "rename", from],
        message: `renaming to ${JSON.stringify(to)} would duplicate an existing column`,
      });
      continue;
    }
    current = current.map((c) => (c.name.toLowerCase() === from.toLowerCase() ? column(to, c.type) : c));
  }
  step.drop?.forEach((c, i) => {
    if (check.require(current, c, [...base, "drop", i], where))
      current = current.filter((x) => x.name.toLowerCase() !== c.toLowerCase());
  });
  return current;
}

function stepColumns(
  step: StepSpec,
  index: number,
  input: DatasetColumns,
  check: ColumnChecker,
  lookup: (name: string) => DatasetColumns,
): DatasetColumns {
  const base: SpecPath = ["steps", index];
  const where = `input "${step.input ?? "?"}"`;
  switch (step.kind) {
    case "clean":
      return cleanColumns(step, base, input, where, check, lookup);
    case "enrich":
      return enrichColumns(step, base, input, where, check, lookup);
    case "aggregate":
      return aggregateColumns(step, base, input, where, check);
    case "filter":
      check.sql(step.where, [...base, "where"], input, where);
      return input;
    case "select":
      return selectColumns(step, base, input, where, check);
  }
}

/**
 * Works out every dataset's columns and checks every column reference. `order` is the step run order
 * from the name checks. Returns the columns by dataset name (sources first, then steps in run order).
 */
export function propagateColumns(
  parts: PipelineParts,
  order: readonly string[],
): { columns: Map<string, DatasetColumns>; issues: IssueDraft[] } {
  const columns = new Map<string, DatasetColumns>();
  const check = new ColumnChecker();
  for (const source of parts.sources)
    columns.set(source.name, source.spec ? sourceColumns(source.spec) : undefined);
  const byName = new Map(parts.steps.filter((s) => s.name !== undefined).map((s) => [s.name!, s]));
  const lookup = (name: string) => columns.get(name);
  for (const name of order) {
    const part = byName.get(name)!;
    if (!part.spec) {
      columns.set(name, undefined);
      continue;
    }
    const input = part.input === undefined ? undefined : lookup(part.input);
    columns.set(name, stepColumns({ ...part.spec, input: part.input }, part.index, input, check, lookup));
  }
  for (const sink of parts.sinks) {
    const spec = sink.spec;
    const input = spec && lookup(spec.input);
    if (!spec || !input) continue;
    spec.partition_by?.forEach((c, i) => {
      check.require(input, c, ["sinks", sink.name, "partition_by", i], `input "${spec.input}"`);
    });
  }
  return { columns, issues: check.issues };
}
