/**
 * Build step (run when the pinned Spark or the overrides below change; the output is committed
 * and reviewed): writes one typed camelCase wrapper per named function of the pinned Spark's
 * registry (scripts/functions/registry.json, made by dump-function-registry.ts) into
 * src/functions/<family>.ts, and the SQL-name → wrapper table into src/functions/coverage.ts.
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
  HAND_WRITTEN_ALIASES,
  NOT_WRAPPED,
  OVERRIDES,
} from "./functions/choices.js";
import { callIn, examplesOf } from "./functions/examples.js";
import {
  camelName,
  type Param,
  parseCompact,
  RESERVED,
  type Signature,
  signatureOf,
} from "./functions/signatures.js";

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const outDir = join(pkgDir, "src", "functions");
const registry = JSON.parse(readFileSync(join(pkgDir, "scripts", "functions", "registry.json"), "utf8")) as {
  sparkVersion: string;
  functions: Record<string, { group: string; returnTypes: string[]; describe: string }>;
};

interface Wrapper {
  sqlName: string;
  exportName: string;
  family: string;
  signature: Signature;
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

const section = (describe: string, head: string) => describe.split(`\n${head}`)[1] ?? "";

/** The doc comment: what it computes, arguments, result types seen in Spark's examples, SQL name, since. */
function docOf(sqlName: string, sig: Signature, describe: string, returnTypes: string[]): string {
  const usage = section(describe, "Usage:").split("\nExtended Usage:")[0] ?? "";
  const descMatch = /\)\s+-\s+([\s\S]*?)(?:\n\s*\n|$)/.exec(usage);
  const what = (descMatch?.[1] ?? `Spark SQL function \`${sqlName}\`.`).replace(/\s+/g, " ").trim();
  const argsText = section(describe, "    Arguments:").split(/\n\s*\n|\n\s+Examples:/)[0] ?? "";
  const argDocs = new Map<string, string>();
  for (const m of argsText.matchAll(/\*\s+([A-Za-z_0-9]+)\s+-\s+([^\n]*)/g))
    argDocs.set(camelName(m[1] as string), (m[2] as string).trim());
  const since = /Since:\s*([0-9.]+)/.exec(describe)?.[1];
  const kindText = {
    col: "column (a Column or a column name)",
    lit: "literal (a JS value or a Column)",
    fn: "lambda",
  };
  const lines = [what, "", `Spark SQL: \`${sig.usage}\`${since ? `, since Spark ${since}` : ""}.`];
  for (const p of sig.params)
    lines.push(
      `@param ${p.rest ? "" : ""}${p.name} ${kindText[p.kind]}${p.rest ? ", any number" : ""}${
        argDocs.get(p.name) ? ` — ${argDocs.get(p.name)}` : ""
      }`,
    );
  lines.push(
    `@returns a Column${returnTypes.length ? ` of type ${returnTypes.join(" or ")} in Spark's own examples` : ""}.`,
  );
  return ["/**", ...lines.map((l) => ` * ${l.replace(/\*\//g, "*\\/")}`.trimEnd()), " */"].join("\n");
}

const compactOf = (params: Param[]) =>
  params.map((p) => `${p.rest ? "..." : ""}${p.name}${p.optional ? "?" : ""}:${p.kind}`).join(", ");

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

/** How many arguments each of Spark's own examples passes to the function. */
function exampleArities(sqlName: string, describe: string): number[] {
  return examplesOf(describe).flatMap((e) => {
    const call = callIn(e.sql, sqlName);
    return call ? [call.args.length] : [];
  });
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
    const usageText = section(info.describe, "Usage:").split("\nExtended Usage:")[0] ?? "";
    const override = OVERRIDES[sqlName];
    const signature =
      override !== undefined
        ? { params: parseCompact(override), usage: `${sqlName}(${override.replace(/:(col|lit|fn)/g, "")})` }
        : signatureOf(sqlName, usageText, exampleArities(sqlName, info.describe));
    if (!signature) {
      unwrapped.push(sqlName);
      continue;
    }
    const exportName = exportNameOf(sqlName, taken);
    taken.add(exportName);
    covered.set(sqlName, exportName);
    const doc = docOf(sqlName, signature, info.describe, info.returnTypes);
    wrappers.push({ sqlName, exportName, family: familyOf(sqlName, info.group), signature, doc });
  }
  return { wrappers, covered, unwrapped };
}

function render(family: string, wrappers: Wrapper[]): string {
  const body = wrappers.map((w) => {
    const params = w.signature.params.map(tsParam).join(", ");
    const args = [JSON.stringify(w.sqlName), ...w.signature.params.map(tsArg)].join(", ");
    return `${w.doc}\nexport const ${w.exportName} = (${params}): Column => callSql(${args});\n`;
  });
  const code = body.join("\n");
  const uses = (id: string) => new RegExp(`\\b${id}\\b`).test(code);
  const values = ["callSql", "colArg", "litArg", "lambdaArg", "optCol", "optLit", "optLambda"].filter(uses);
  const types = ["ColumnOrLiteral", "LambdaFunction"].filter(uses).map((t) => `type ${t}`);
  const imports = [...values, ...types];
  const head = [
    `/**`,
    ` * ${FAMILY_FILES[family]} — generated by scripts/generate-functions.ts from the function registry of`,
    ` * Spark ${registry.sparkVersion} (\`SHOW FUNCTIONS\`, \`DESCRIBE FUNCTION EXTENDED\`). Do not edit by hand: change the`,
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
        ...wrappers.map((w) => [w.sqlName, compactOf(w.signature.params)]),
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
