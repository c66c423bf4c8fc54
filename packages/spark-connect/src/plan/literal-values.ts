import { microsToDate } from "../arrow/temporal.js";
import type { Expression_Literal } from "../gen/spark/connect/expressions_pb.js";

/** The JS value of a protocol literal (observed metrics arrive as literals); same mapping as results. */
export function literalToJs(l: Expression_Literal): unknown {
  const t = l.literalType;
  switch (t.case) {
    case undefined:
    case "null":
      return null;
    case "boolean":
    case "string":
    case "double":
    case "float":
    case "integer":
    case "short":
    case "byte":
    case "long":
      return t.value;
    case "binary":
      return t.value;
    case "decimal":
      return t.value.value;
    case "date":
      return new Date(t.value * 86_400_000);
    case "timestamp":
    case "timestampNtz":
      return microsToDate(t.value);
    case "dayTimeInterval":
      return t.value;
    case "yearMonthInterval":
      return t.value;
    case "array":
      return t.value.elements.map(literalToJs);
    case "map": {
      const m = new Map<unknown, unknown>();
      t.value.keys.forEach((k, i) => {
        m.set(literalToJs(k), literalToJs(t.value.values[i]!));
      });
      return m;
    }
    case "struct": {
      const names =
        l.dataType?.kind.case === "struct"
          ? l.dataType.kind.value.fields.map((f) => f.name)
          : t.value.structType?.kind.case === "struct"
            ? t.value.structType.kind.value.fields.map((f) => f.name)
            : [];
      const o: Record<string, unknown> = Object.create(null); // keeps a field named __proto__
      t.value.elements.forEach((e, i) => {
        o[names[i] ?? `_${i + 1}`] = literalToJs(e);
      });
      return o;
    }
    default:
      return String(t.value);
  }
}
