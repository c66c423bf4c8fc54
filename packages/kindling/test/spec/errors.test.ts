import { beforeAll, describe, expect, it } from "vitest";
import { loadPipeline } from "../../src/spec/index.js";
import { fixture, REPO_ROOT, specErrorOf } from "./support.js";

// Golden messages: each fixture holds one class of mistake; the whole report is pinned, positions included.
describe("spec error messages", () => {
  beforeAll(() => process.chdir(REPO_ROOT));
  // yaml-syntax.yaml.broken is YAML with a mistake; its extension keeps Biome from parsing it.
  const load = (name: string) => specErrorOf(() => loadPipeline(fixture(name), { env: {} }));

  it("names an unknown key and the key it probably meant", async () => {
    const error = await load("unknown-key.yaml");
    expect(error.message).toBe(
      [
        "packages/kindling/test/spec/fixtures/unknown-key.yaml is not a valid pipeline (2 problems):",
        '  packages/kindling/test/spec/fixtures/unknown-key.yaml:4:5 sources.orders.formt: unknown key "formt" — did you mean "format"?',
        '  packages/kindling/test/spec/fixtures/unknown-key.yaml:11:5 steps[0].wher: unknown key "wher" — did you mean "where"?',
      ].join("\n"),
    );
    expect(error.issues.map((i) => [i.code, i.suggestion])).toEqual([
      ["unknown_key", "format"],
      ["unknown_key", "where"],
    ]);
    expect(error.exitCode).toBe(2);
  });

  it("says what type or value was expected and what was found", async () => {
    const error = await load("wrong-type.yaml");
    expect(error.message).toBe(
      [
        "packages/kindling/test/spec/fixtures/wrong-type.yaml is not a valid pipeline (4 problems):",
        '  packages/kindling/test/spec/fixtures/wrong-type.yaml:15:13 steps[0].dedupe.keys: expected a list, found "order_id"',
        '  packages/kindling/test/spec/fixtures/wrong-type.yaml:19:19 steps[0].rules[0].severity: expected one of quarantine, drop, fail, warn, found "quarantne" — did you mean "quarantine"?',
        '  packages/kindling/test/spec/fixtures/wrong-type.yaml:24:57 steps[0].rules[2].severity: expected one of fail, warn, found "quarantine". A dataset rule is judged on the whole output after the writes, so it can fail the run or warn but not act on rows: quarantine rows with unknown keys with an enrich join (unmatched: quarantine), remove duplicate keys with dedupe',
        '  packages/kindling/test/spec/fixtures/wrong-type.yaml:29:34 sinks.out.dynamic_partition_overwrite: expected true or false, found "yes"',
      ].join("\n"),
    );
    expect(error.issues[1]).toMatchObject({
      file: "packages/kindling/test/spec/fixtures/wrong-type.yaml",
      line: 19,
      column: 19,
      path: "steps[0].rules[0].severity",
      segments: ["steps", 0, "rules", 0, "severity"],
      suggestion: "quarantine",
    });
  });

  it("rejects references to missing sources and steps", async () => {
    const error = await load("missing-reference.yaml");
    expect(error.message).toBe(
      [
        "packages/kindling/test/spec/fixtures/missing-reference.yaml is not a valid pipeline (3 problems):",
        '  packages/kindling/test/spec/fixtures/missing-reference.yaml:14:12 steps[0].input: unknown input "order" — did you mean "orders"?',
        '  packages/kindling/test/spec/fixtures/missing-reference.yaml:16:15 steps[0].joins[0].with: unknown join "customer" — did you mean "customers"?',
        '  packages/kindling/test/spec/fixtures/missing-reference.yaml:20:12 sinks.out.input: unknown input "enriched_orders" — did you mean "enrich_orders"?',
      ].join("\n"),
    );
  });

  it("rejects steps that read each other in a cycle", async () => {
    const error = await load("cycle.yaml");
    expect(error.message).toBe(
      [
        "packages/kindling/test/spec/fixtures/cycle.yaml is not a valid pipeline (1 problem):",
        "  packages/kindling/test/spec/fixtures/cycle.yaml:10:12 steps[0].input: steps form a cycle: first → third → second → first",
      ].join("\n"),
    );
  });

  it("rejects duplicate names, including duplicate keys in a YAML map", async () => {
    const error = await load("duplicate-name.yaml");
    expect(error.message).toBe(
      [
        "packages/kindling/test/spec/fixtures/duplicate-name.yaml is not a valid pipeline (3 problems):",
        '  packages/kindling/test/spec/fixtures/duplicate-name.yaml:7:3 sources.orders: duplicate source name "orders" (first defined on line 3)',
        '  packages/kindling/test/spec/fixtures/duplicate-name.yaml:16:11 steps[1].name: duplicate step name "tidy" (first used by steps[0])',
        '  packages/kindling/test/spec/fixtures/duplicate-name.yaml:19:11 steps[2].name: step name "orders" is already the name of a source; inputs would be ambiguous',
      ].join("\n"),
    );
  });

  it("rejects a spec that references a missing column, through casts, derive, aggregate and sinks", async () => {
    const error = await load("unknown-column.yaml");
    expect(error.message).toBe(
      [
        "packages/kindling/test/spec/fixtures/unknown-column.yaml is not a valid pipeline (5 problems):",
        '  packages/kindling/test/spec/fixtures/unknown-column.yaml:13:7 steps[0].casts.quantty: unknown column "quantty" in input "orders" — did you mean "quantity"?',
        '  packages/kindling/test/spec/fixtures/unknown-column.yaml:19:27 steps[1].derive.revenue: unknown column "unit_prce" in input "clean_orders" — did you mean "unit_price"?',
        '  packages/kindling/test/spec/fixtures/unknown-column.yaml:21:17 steps[1].date_parts[0].column: expected a date or timestamp column, found "order_ts" of type string (cast it in a clean step first)',
        '  packages/kindling/test/spec/fixtures/unknown-column.yaml:25:16 steps[2].group_by[0]: unknown column "countri" in input "enrich_orders" — did you mean "country"?',
        '  packages/kindling/test/spec/fixtures/unknown-column.yaml:32:20 sinks.out.partition_by[0]: unknown column "country" in input "daily" — did you mean "countri"?',
      ].join("\n"),
    );
  });

  it("points at parameters that are not declared or have no value", async () => {
    const error = await load("missing-parameter.yaml");
    expect(error.message).toBe(
      [
        "packages/kindling/test/spec/fixtures/missing-parameter.yaml is not a valid pipeline (3 problems):",
        '  packages/kindling/test/spec/fixtures/missing-parameter.yaml:10:11 sources.orders.path: unknown parameter "data_dri" — did you mean "data_dir"?',
        '  packages/kindling/test/spec/fixtures/missing-parameter.yaml:10:34 sources.orders.path: parameter "run_date" has no value: give it a default, pass --set run_date=..., or set KINDLING_PARAM_RUN_DATE',
        '  packages/kindling/test/spec/fixtures/missing-parameter.yaml:15:16 sinks.out.path: parameter "run_date" has no value: give it a default, pass --set run_date=..., or set KINDLING_PARAM_RUN_DATE',
      ].join("\n"),
    );
  });

  it("points a YAML syntax error at the place the mistake starts", async () => {
    const error = await load("yaml-syntax.yaml.broken");
    expect(error.message).toBe(
      [
        "packages/kindling/test/spec/fixtures/yaml-syntax.yaml.broken is not a valid pipeline (1 problem):",
        '  packages/kindling/test/spec/fixtures/yaml-syntax.yaml.broken:5:11: YAML syntax error: the string opened with " here is never closed',
      ].join("\n"),
    );
    expect(error.issues[0]?.code).toBe("yaml_syntax");
  });

  it("reports a file that cannot be read as a spec error", async () => {
    const error = await load("no-such-file.yaml");
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]?.code).toBe("unreadable_file");
    expect(error.message).toContain(
      "packages/kindling/test/spec/fixtures/no-such-file.yaml: cannot read the file: ENOENT",
    );
  });
});
