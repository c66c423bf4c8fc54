/**
 * Plans as short text, for tests that check what a compiler builds without a server: the
 * protocol's expression tree (what a Column holds) and a DataFrame's chain of relations, written
 * the way Spark SQL would read them (`trim(`a`)`, `(`a` == 'x')`, `try_cast(`q` AS int)`).
 */
import type { Column, DataFrame } from "@kindling/spark-connect";

type Expression = Column["expr"];
type Relation = DataFrame["relation"];
type Literal = Extract<Expression["exprType"], { case: "literal" }>["value"];

const INFIX = new Set(["==", "<=>", ">", ">=", "<", "<=", "and", "or", "+", "-", "*", "/"]);

/** One expression (or a Column's) as text. */
export function exprText(e: Expression | Column): string {
  const x = "exprType" in e ? e.exprType : e.expr.exprType;
  switch (x.case) {
    case "unresolvedAttribute":
      return x.value.unparsedIdentifier;
    case "literal":
      return literalText(x.value);
    case "unresolvedFunction": {
      const args = x.value.arguments.map(exprText);
      if (INFIX.has(x.value.functionName) && args.length === 2)
        return `(${args[0]} ${x.value.functionName} ${args[1]})`;
      return `${x.value.functionName}(${args.join(", ")})`;
    }
    case "cast": {
      const type = x.value.castToType.case === "typeStr" ? x.value.castToType.value : "?";
      return `${x.value.evalMode === 3 ? "try_cast" : "cast"}(${exprText(x.value.expr!)} AS ${type})`;
    }
    case "alias":
      return `${exprText(x.value.expr!)} AS ${x.value.name.join(".")}`;
    case "expressionString":
      return `sql(${x.value.expression})`;
    case "sortOrder":
      return `${exprText(x.value.child!)} ${x.value.direction === 1 ? "ASC" : "DESC"} NULLS ${x.value.nullOrdering === 1 ? "FIRST" : "LAST"}`;
    case "window": {
      const partition = x.value.partitionSpec.map(exprText).join(", ");
      const order = x.value.orderSpec
        .map((o) => exprText({ exprType: { case: "sortOrder", value: o } } as unknown as Expression))
        .join(", ");
      return `${exprText(x.value.windowFunction!)} OVER (PARTITION BY ${partition} ORDER BY ${order})`;
    }
    default:
      return `<${x.case}>`;
  }
}

function literalText(l: Literal): string {
  const t = l.literalType;
  switch (t.case) {
    case "null":
      return "NULL";
    case "string":
      return `'${t.value}'`;
    case "long":
      return `${t.value}L`;
    case "double":
      return `${t.value}D`;
    case "decimal":
      return `${t.value.value}BD`;
    default:
      return String(t.value);
  }
}

/** A DataFrame's relations from its input up, one line each (`withColumns a = …; b = …`). */
export function planSteps(df: DataFrame): string[] {
  const steps: string[] = [];
  let r: Relation | undefined = df.relation;
  while (r) {
    const t: Relation["relType"] = r.relType;
    switch (t.case) {
      case "withColumns":
        steps.push(
          `withColumns ${t.value.aliases.map((a) => `${a.name.join(".")} = ${exprText(a.expr!)}`).join("; ")}`,
        );
        r = t.value.input;
        break;
      case "filter":
        steps.push(`filter ${exprText(t.value.condition!)}`);
        r = t.value.input;
        break;
      case "drop":
        steps.push(`drop ${t.value.columnNames.join(", ")}`);
        r = t.value.input;
        break;
      case "collectMetrics":
        steps.push(`observe ${t.value.name}: ${t.value.metrics.map(exprText).join(", ")}`);
        r = t.value.input;
        break;
      case "project":
        steps.push(`select ${t.value.expressions.map(exprText).join(", ")}`);
        r = t.value.input;
        break;
      default:
        steps.push(`<${t.case}>`);
        r = undefined;
    }
  }
  return steps.reverse();
}
