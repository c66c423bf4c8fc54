/**
 * The clean step's stages as plans, without a server (KINDLING_TEST_SPARK=off): each stage is a
 * `(df, ctx) => df` transform over a DataFrame whose schema the test knows, and the built
 * protocol tree is checked as text (plan-text.ts). What Spark does with these plans is pinned by
 * the pipeline tests (test/run, test/pipeline).
 */
import { beforeAll, describe, expect, it } from "vitest";
import {
  type DataFrame,
  DataTypes,
  SparkSession,
  type StructType,
} from "../../../spark-connect/src/index.js";
import { type CleanContext, cleanContext } from "../../src/compile/clean/context.js";
import { dedupeStage, orderTerm } from "../../src/compile/clean/dedupe.js";
import {
  caseStage,
  castsStage,
  castValue,
  keepOriginals,
  nullsStage,
  standardizeStage,
  trimStage,
} from "../../src/compile/clean/rewrites.js";
import { rulesStage } from "../../src/compile/clean/rules.js";
import { defaultRuleName, rowRuleBroken } from "../../src/compile/clean/verdicts.js";
import { planClean } from "../../src/compile/clean.js";
import { specLiteral } from "../../src/compile/literals.js";
import { KindlingError } from "../../src/errors.js";
import type { CleanStepSpec, RuleSpec } from "../../src/spec/index.js";
import { exprText, planSteps } from "./plan-text.js";

const SCHEMA: StructType = {
  typeName: "struct",
  fields: [
    { name: "id", dataType: DataTypes.IntegerType, nullable: true },
    { name: "name", dataType: DataTypes.StringType, nullable: true },
    { name: "city", dataType: DataTypes.StringType, nullable: true },
    { name: "qty", dataType: DataTypes.StringType, nullable: true },
    { name: "_k_file", dataType: DataTypes.StringType, nullable: true },
  ],
};

// A session that never connects: building plans sends nothing (port 1 would refuse a connection).
let input: DataFrame;
beforeAll(async () => {
  const offline = await SparkSession.builder().remote("sc://127.0.0.1:1").getOrCreate();
  input = offline.table("input");
});

const step = (fields: Partial<CleanStepSpec>): CleanStepSpec =>
  ({ name: "clean_x", kind: "clean", input: "x", on_cast_error: "quarantine", ...fields }) as CleanStepSpec;
const ctxOf = (fields: Partial<CleanStepSpec>, judgesMalformed = false): CleanContext =>
  cleanContext(step(fields), SCHEMA, judgesMalformed);
/** The plan lines a stage adds on top of the input. */
const added = (stage: (df: DataFrame, ctx: CleanContext) => DataFrame, ctx: CleanContext) =>
  planSteps(stage(input, ctx)).slice(1);

describe("clean stages as column functions", () => {
  it("trim: all rewrites the string columns only, with Spark's trim (hidden columns skipped)", () => {
    expect(added(trimStage, ctxOf({ trim: "all" }))).toEqual([
      "withColumns name = trim(`name`); city = trim(`city`); qty = trim(`qty`)",
    ]);
    expect(added(trimStage, ctxOf({ trim: ["city"] }))).toEqual(["withColumns city = trim(`city`)"]);
  });

  it("a stage the step does not use adds nothing", () => {
    const ctx = ctxOf({});
    for (const stage of [
      keepOriginals,
      trimStage,
      nullsStage,
      caseStage,
      standardizeStage,
      castsStage,
      dedupeStage,
    ])
      expect(added(stage, ctx)).toEqual([]);
  });

  it("nulls: a when/isin over lower() when a value has letters, then coalesce with a typed default", () => {
    const ctx = ctxOf({
      nulls: { values: ["", "N/A"], columns: ["city"], defaults: { qty: 0, city: "none" } },
    });
    expect(added(nullsStage, ctx)).toEqual([
      "withColumns city = when(in(lower(`city`), '', 'n/a'), NULL, `city`)",
      "withColumns qty = coalesce(`qty`, 0); city = coalesce(`city`, 'none')",
    ]);
  });

  it("nulls: no lower() per row when no null-like value has a letter", () => {
    const ctx = ctxOf({ nulls: { values: ["", "-"], columns: ["name"] } });
    expect(added(nullsStage, ctx)).toEqual(["withColumns name = when(in(`name`, '', '-'), NULL, `name`)"]);
  });

  it("case: upper, lower and title (initcap)", () => {
    expect(added(caseStage, ctxOf({ case: { name: "title", city: "upper", qty: "lower" } }))).toEqual([
      "withColumns name = initcap(`name`); city = upper(`city`); qty = lower(`qty`)",
    ]);
  });

  it("standardize: regexp_replace in order, then the map as a when chain that keeps other values", () => {
    const ctx = ctxOf({
      standardize: [
        {
          column: "city",
          replace: [
            { pattern: "\\s+", with: " " },
            { pattern: "'", with: "" },
          ],
          map: { NYC: "New York", none: null },
        },
      ],
    });
    const v = "regexp_replace(regexp_replace(`city`, '\\s+', ' '), ''', '')";
    expect(added(standardizeStage, ctx)).toEqual([
      `withColumns city = when((${v} == 'NYC'), 'New York', (${v} == 'none'), NULL, ${v})`,
    ]);
  });

  it("casts: the value kept aside, a try-cast (or try_to_timestamp by pattern), then the failure flag", () => {
    const ctx = ctxOf({ casts: { qty: "int", city: { type: "date", format: "dd/MM/yyyy" } } });
    expect(added(castsStage, ctx)).toEqual([
      "withColumns _k_castpre0 = `qty`; _k_castpre1 = `city`",
      "withColumns qty = try_cast(_k_castpre0 AS int); city = cast(try_to_timestamp(_k_castpre1, 'dd/MM/yyyy') AS date)",
      "withColumns _k_castfail0 = (isnotnull(_k_castpre0) and isnull(`qty`)); _k_castfail1 = (isnotnull(_k_castpre1) and isnull(`city`))",
    ]);
  });

  it("a timestamp cast with a format is try_to_timestamp alone; without one a plain try-cast", () => {
    const v = input.col("v");
    expect(exprText(castValue(v, { type: "TIMESTAMP_NTZ", format: "yyyy-MM-dd HH:mm" }))).toBe(
      "try_to_timestamp(v, 'yyyy-MM-dd HH:mm')",
    );
    expect(exprText(castValue(v, { type: "timestamp" }))).toBe("try_cast(v AS timestamp)");
  });

  it("keeps the value the step received for every rewritten column, under _k_orig_<name>", () => {
    const ctx = ctxOf({ trim: ["name"], casts: { qty: "int" } });
    expect(added(keepOriginals, ctx)).toEqual(["withColumns _k_orig_name = `name`; _k_orig_qty = `qty`"]);
  });
});

describe("verdicts", () => {
  const broken = (rule: Record<string, unknown>) =>
    exprText(rowRuleBroken({ severity: "quarantine", ...rule } as RuleSpec)!);

  it("each row rule's broken condition passes nulls (but not_null) and uses column functions", () => {
    expect(broken({ check: "not_null", columns: ["id", "name"] })).toBe("(isnull(`id`) or isnull(`name`))");
    expect(broken({ check: "range", column: "qty", min: 0, max: 2.5 })).toBe(
      "(isnotnull(`qty`) and not(coalesce(((try_cast(`qty` AS DECIMAL(38,10)) >= 0) and (try_cast(`qty` AS DECIMAL(38,10)) <= 2.5BD)), false)))",
    );
    expect(broken({ check: "range", column: "city", min: "A" })).toBe(
      "(isnotnull(`city`) and not(coalesce((`city` >= 'A'), false)))",
    );
    expect(broken({ check: "regex", column: "city", pattern: "[A-Z]\\w+" })).toBe(
      "(isnotnull(`city`) and not(rlike(`city`, '^(?:[A-Z]\\w+)$')))",
    );
    expect(broken({ check: "accepted_values", column: "qty", values: ["a", 1, 1.5, true] })).toBe(
      "(isnotnull(`qty`) and not(in(`qty`, 'a', 1, 1.5BD, true)))",
    );
    // The user's own SQL stays SQL.
    expect(broken({ check: "expression", condition: "qty > 0" })).toBe("not(coalesce(sql(qty > 0), false))");
    expect(rowRuleBroken({ check: "unique", columns: ["id"], severity: "fail" } as RuleSpec)).toBeUndefined();
  });

  it("spec numbers become literals typed as Spark SQL types the same text", () => {
    const text = (v: string | number | boolean) => exprText(specLiteral(v));
    expect([
      text(7),
      text(3_000_000_000),
      text(1.5),
      text(-0.25),
      text(1e21),
      text("x"),
      text(false),
    ]).toEqual(["7", "3000000000L", "1.5BD", "-0.25BD", "1e+21D", "'x'", "false"]);
  });

  it("names a rule from its check when the spec gives no name", () => {
    expect(defaultRuleName({ check: "range", column: "qty" } as RuleSpec, 0)).toBe("range_qty");
    expect(defaultRuleName({ check: "expression", condition: "x" } as RuleSpec, 2)).toBe("rule_3");
  });

  it("rules: the first broken rule is the reason; the action follows from the reason", () => {
    const ctx = ctxOf({
      casts: { qty: "int" },
      rules: [{ check: "not_null", columns: ["id"], severity: "drop" }],
      dedupe: { keys: ["id"], null_keys: "quarantine" },
    } as Partial<CleanStepSpec>);
    expect(added(rulesStage, ctx)).toEqual([
      "withColumns _k_reason = when(_k_castfail0, 'cast_qty', isnull(`id`), 'not_null_id', isnull(`id`), 'null_key')",
      "withColumns _k_action = when((_k_reason == 'cast_qty'), 'quarantine', (_k_reason == 'not_null_id'), 'drop', (_k_reason == 'null_key'), 'quarantine')",
    ]);
  });

  it("rules: a malformed row's reason comes first; a name with two severities judges the action again", () => {
    const ctx = ctxOf(
      {
        rules: [
          { check: "not_null", columns: ["id"], name: "r", severity: "drop" },
          { check: "not_null", columns: ["name"], name: "r", severity: "quarantine" },
        ],
      } as Partial<CleanStepSpec>,
      true,
    );
    expect(added(rulesStage, ctx)).toEqual([
      "withColumns _k_reason = when(isnotnull(_k_corrupt), 'malformed', isnull(`id`), 'r', isnull(`name`), 'r')",
      "withColumns _k_action = when(isnotnull(_k_corrupt), 'quarantine', isnull(`id`), 'drop', isnull(`name`), 'quarantine')",
    ]);
  });

  it("rules: no row rule gives a null reason and action (string)", () => {
    expect(added(rulesStage, ctxOf({}))).toEqual([
      "withColumns _k_reason = cast(NULL AS string)",
      "withColumns _k_action = cast(NULL AS string)",
    ]);
  });
});

describe("dedupe", () => {
  it("row_number over the keys in order_by order, ties to the row read last; null keys all kept", () => {
    const ctx = ctxOf({ dedupe: { keys: ["id"], order_by: ["qty desc"], null_keys: "keep" } });
    expect(added(dedupeStage, ctx)).toEqual([
      "withColumns _k_rn = row_number() OVER (PARTITION BY `id` ORDER BY `qty` DESC NULLS LAST, _k_file DESC NULLS LAST, _k_block DESC NULLS LAST, _k_seq DESC NULLS LAST)",
      "observe dedupe__clean_x: count(1) AS rows_in, count(when((not(isnull(`id`)) and (_k_rn > 1)), 1)) AS duplicates",
      "filter ((_k_rn == 1) or not(not(isnull(`id`))))",
      "drop _k_rn",
    ]);
  });

  it("reads order_by terms as Spark's defaults do (asc puts nulls first)", () => {
    expect(
      ["a", "`b c` DESC", "a asc nulls last", "a desc nulls first"].map((t) => exprText(orderTerm(t))),
    ).toEqual(["`a` ASC NULLS FIRST", "`b c` DESC NULLS LAST", "`a` ASC NULLS LAST", "`a` DESC NULLS FIRST"]);
  });
});

describe("planClean: the whole step from a known schema", () => {
  it("judges, observes, keeps the passed rows without helpers, then dedupes; quarantine keeps the raw record", () => {
    const compiled = planClean(
      input,
      SCHEMA,
      step({
        trim: ["name"],
        rules: [{ check: "not_null", columns: ["id"], severity: "quarantine" }],
      } as Partial<CleanStepSpec>),
      "src",
    );
    expect(planSteps(compiled.output)).toEqual([
      "<read>",
      "withColumns _k_orig_name = `name`",
      "withColumns name = trim(`name`)",
      "withColumns _k_reason = when(isnull(`id`), 'not_null_id')",
      "withColumns _k_action = when((_k_reason == 'not_null_id'), 'quarantine')",
      "observe step__clean_x: count(1) AS rows_in, count(when((_k_action <=> 'quarantine'), 1)) AS quarantined, count(when((_k_action <=> 'drop'), 1)) AS dropped, count(when((_k_action <=> 'fail'), 1)) AS failed, count(when((_k_reason <=> 'not_null_id'), 1)) AS r0",
      "filter isnull(_k_action)",
      "drop _k_orig_name, _k_reason, _k_action",
    ]);
    expect(compiled.ruleAliases).toEqual({ r0: "not_null_id" });
    expect(planSteps(compiled.quarantine!).slice(-2)).toEqual([
      "filter (_k_action <=> 'quarantine')",
      "select 'src' AS source, 'clean_x' AS step, cast(_k_reason AS string) AS rule, to_json(struct(`id` AS id, `_k_orig_name` AS name, `city` AS city, `qty` AS qty)) AS record, _k_file AS file",
    ]);
  });

  it("refuses a rule argument that cannot compare with the column's type, before building anything", () => {
    const bad = step({
      rules: [{ check: "range", column: "id", min: "zero", severity: "quarantine" }],
    } as Partial<CleanStepSpec>);
    expect(() => planClean(input, SCHEMA, bad, "src")).toThrow(KindlingError);
    expect(() => planClean(input, SCHEMA, bad, "src")).toThrow(
      'step "clean_x" rules[0].min: expected a number (column "id" is int), found "zero" — did you mean "0"?',
    );
  });
});
