/**
 * Build step (run when the pinned Spark or the overrides below change; the output is committed
 * and reviewed): writes one typed camelCase wrapper per named function of the pinned Spark's
 * registry (scripts/functions/registry.json: facts only, made by dump-function-registry.ts) into
 * src/functions/<family>.ts, and the SQL-name → wrapper table into src/functions/coverage.ts. The
 * doc comments are written here from those facts and the summaries in choices.ts; no Spark text.
 * Functions already written by hand in src/functions/core.ts are not generated again.
 *
 *   node --import tsx packages/spark-connect/scripts/generate-functions.ts
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as core from "../src/functions/core.js";
import {
  CORE_SIGNATURES,
  FAMILY_FILES,
  familyOf,
  GROUP_WORDS,
  HAND_WRITTEN_ALIASES,
  NOT_WRAPPED,
  OVERRIDES,
  SUMMARIES,
} from "./functions/choices.js";
import { compactOf, type FunctionFacts, type Registry } from "./functions/facts.js";
import { camelName, type Param, parseCompact, RESERVED } from "./functions/signatures.js";

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const outDir = join(pkgDir, "src", "functions");
const registry = JSON.parse(
  readFileSync(join(pkgDir, "scripts", "functions", "registry.json"), "utf8"),
) as Registry;

interface Wrapper {
  sqlName: string;
  exportName: string;
  family: string;
  params: Param[];
  doc: string;
}

const isNamed = (name: string) => /^[a-z_][a-z0-9_]*$/.test(name);

/** SQL name → export name for what core.ts already wraps by hand. */
function handWritten(): Map<string, string> {
  const covered = new Map<string, string>();
  for (const exportName of Object.keys(core)) {
    const sql = HAND_WRITTEN_ALIASES[exportName] ?? [
      exportName.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`),
    ];
    for (const s of sql) if (registry.functions[s] && !covered.has(s)) covered.set(s, exportName);
  }
  return covered;
}

const PARAM_WORDS = {
  col: "a Column or column name",
  lit: "a literal (JS value) or Column",
  fn: "a JS function over Columns, the body of the lambda",
};

/**
 * The doc comment, in the project's own words from the registry's facts (no Spark text is
 * copied): the reviewed summary where choices.ts has one, the call shape, family, version,
 * parameter kinds and the result types Spark's examples produced.
 */
function docOf(sqlName: string, params: Param[], facts: FunctionFacts): string {
  const shape = params.map((p) => `${p.rest ? "..." : ""}${p.name}${p.optional ? "?" : ""}`).join(", ");
  const family = GROUP_WORDS[facts.group] ?? "a function";
  const lines = [
    ...(SUMMARIES[sqlName] ? [SUMMARIES[sqlName]] : []),
    `\`${sqlName}(${shape})\`: ${family} of Spark SQL${facts.since ? ` (since ${facts.since})` : ""}.`,
    "",
  ];
  for (const p of params)
    lines.push(
      `@param ${p.name} ${p.rest ? `any number of arguments, each ${PARAM_WORDS[p.kind]}` : PARAM_WORDS[p.kind]}`,
    );
  const types = facts.returnTypes.join(" or ");
  lines.push(`@returns a Column${types ? ` (${types} in Spark's examples)` : ""}`);
  return ["/**", ...lines.map((l) => ` * ${l.replace(/\*\//g, "*\\/")}`.trimEnd()), " */"].join("\n");
}

function tsParam(p: Param): string {
  const type = { col: "ColumnOrName", lit: "ColumnOrLiteral", fn: "LambdaFunction" }[p.kind];
  return p.rest ? `...${p.name}: ${type}[]` : `${p.name}${p.optional ? "?" : ""}: ${type}`;
}

function tsArg(p: Param): string {
  const conv = { col: "colArg", lit: "litArg", fn: "lambdaArg" }[p.kind];
  if (p.rest) return `...${p.name}.map(${conv})`;
  if (p.optional) return `${{ col: "optCol", lit: "optLit", fn: "optLambda" }[p.kind]}(${p.name})`;
  return `${conv}(${p.name})`;
}

function exportNameOf(sqlName: string, taken: Set<string>): string {
  let name = camelName(sqlName);
  if (RESERVED.has(name)) name = `${name}Expr`;
  while (taken.has(name)) name = `${name}Fn`;
  return name;
}

function plan(): { wrappers: Wrapper[]; covered: Map<string, string>; unwrapped: string[] } {
  const covered = handWritten();
  const taken = new Set(Object.keys(core));
  const wrappers: Wrapper[] = [];
  const unwrapped: string[] = [];
  for (const [sqlName, info] of Object.entries(registry.functions).sort(([a], [b]) => a.localeCompare(b))) {
    if (!isNamed(sqlName) || covered.has(sqlName)) continue;
    if (NOT_WRAPPED[sqlName]) {
      unwrapped.push(sqlName);
      continue;
    }
    const spec = OVERRIDES[sqlName] ?? info.params;
    if (spec === null) {
      unwrapped.push(sqlName);
      continue;
    }
    const exportName = exportNameOf(sqlName, taken);
    taken.add(exportName);
    covered.set(sqlName, exportName);
    const params = parseCompact(spec);
    const doc = docOf(sqlName, params, info);
    wrappers.push({ sqlName, exportName, family: familyOf(sqlName, info.group), params, doc });
  }
  return { wrappers, covered, unwrapped };
}

function render(family: string, wrappers: Wrapper[]): string {
  const body = wrappers.map((w) => {
    const params = w.params.map(tsParam).join(", ");
    const args = [JSON.stringify(w.sqlName), ...w.params.map(tsArg)].join(", ");
    return `${w.doc}\nexport const ${w.exportName} = (${params}): Column => callSql(${args});\n`;
  });
  const code = body.join("\n");
  const uses = (id: string) => new RegExp(`\\b${id}\\b`).test(code);
  const values = ["callSql", "colArg", "litArg", "lambdaArg", "optCol", "optLit", "optLambda"].filter(uses);
  const types = ["ColumnOrLiteral", "LambdaFunction"].filter(uses).map((t) => `type ${t}`);
  const imports = [...values, ...types];
  const head = [
    `/**`,
    ` * ${FAMILY_FILES[family]} — generated by scripts/generate-functions.ts from the facts of the function`,
    ` * registry of Spark ${registry.sparkVersion} (scripts/functions/registry.json). Do not edit by hand: change the`,
    ` * generator's choices (scripts/functions/choices.ts) and run it again.`,
    ` */`,
    `import type { Column${uses("ColumnOrName") ? ", ColumnOrName" : ""} } from "../column.js";`,
    `import { ${imports.join(", ")} } from "./args.js";`,
    "",
  ];
  return `${[...head, code].join("\n")}`;
}

const { wrappers, covered, unwrapped } = plan();
const families = Object.keys(FAMILY_FILES);
for (const family of families) {
  const mine = wrappers.filter((w) => w.family === family);
  writeFileSync(join(outDir, `${family}.ts`), render(family, mine));
}
const coverage = [
  "/**",
  ` * Which wrapper in \`functions\` calls each named function of Spark ${registry.sparkVersion}'s registry (SQL name →`,
  " * export name), and the named functions left unwrapped with the reason. Generated by",
  " * scripts/generate-functions.ts; read by the coverage and conformance tests.",
  " */",
  `export const sqlFunctionWrappers: Readonly<Record<string, string>> = ${JSON.stringify(
    Object.fromEntries([...covered.entries()].sort(([a], [b]) => a.localeCompare(b))),
    null,
    2,
  )};`,
  "",
  "/** The parameters of each generated wrapper (`name:kind`, `?` optional, `...` rest; kinds col | lit | fn). */",
  `export const wrapperSignatures: Readonly<Record<string, string>> = ${JSON.stringify(
    Object.fromEntries(
      [
        ...Object.entries(CORE_SIGNATURES).filter(([sql]) => covered.has(sql)),
        ...wrappers.map((w) => [w.sqlName, compactOf(w.params)]),
      ].sort(([a], [b]) => (a as string).localeCompare(b as string)),
    ),
    null,
    2,
  )};`,
  "",
  `export const unwrappedFunctions: Readonly<Record<string, string>> = ${JSON.stringify(
    Object.fromEntries(
      unwrapped.map((n) => [n, NOT_WRAPPED[n] ?? "no usable signature in DESCRIBE FUNCTION"]),
    ),
    null,
    2,
  )};`,
  "",
].join("\n");
writeFileSync(join(outDir, "coverage.ts"), coverage);
// The committed files are formatted as the rest of the tree (biome, repository settings).
execFileSync("npx", ["biome", "check", "--write", outDir], { cwd: pkgDir, stdio: "inherit" });
const named = Object.keys(registry.functions).filter(isNamed).length;
console.log(
  `${covered.size}/${named} named functions wrapped (${((100 * covered.size) / named).toFixed(1)}%), ` +
    `${wrappers.length} generated; unwrapped: ${unwrapped.join(", ") || "none"}`,
);
