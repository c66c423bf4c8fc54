import type { DataType as ProtoDataType } from "./gen/spark/connect/types_pb.js";

/**
 * Spark SQL data types as plain, immutable JS values. `typeName` follows Spark's simple type
 * names; `simpleString` renders the type as Spark's DDL does (`decimal(10,2)`, `array<int>`).
 */
export type DataType =
  | { readonly typeName: "null" }
  | { readonly typeName: "boolean" }
  | { readonly typeName: "byte" }
  | { readonly typeName: "short" }
  | { readonly typeName: "integer" }
  | { readonly typeName: "long" }
  | { readonly typeName: "float" }
  | { readonly typeName: "double" }
  | { readonly typeName: "decimal"; readonly precision: number; readonly scale: number }
  | { readonly typeName: "string"; readonly collation?: string }
  | { readonly typeName: "char"; readonly length: number }
  | { readonly typeName: "varchar"; readonly length: number }
  | { readonly typeName: "binary" }
  | { readonly typeName: "date" }
  | { readonly typeName: "timestamp" }
  | { readonly typeName: "timestamp_ntz" }
  | { readonly typeName: "time"; readonly precision: number }
  | { readonly typeName: "interval"; readonly kind: "calendar" | "year_month" | "day_time" }
  | { readonly typeName: "variant" }
  | { readonly typeName: "array"; readonly elementType: DataType; readonly containsNull: boolean }
  | {
      readonly typeName: "map";
      readonly keyType: DataType;
      readonly valueType: DataType;
      readonly valueContainsNull: boolean;
    }
  | StructType
  | { readonly typeName: "other"; readonly name: string };

export interface StructField {
  readonly name: string;
  readonly dataType: DataType;
  readonly nullable: boolean;
  readonly metadata?: string;
}

export interface StructType {
  readonly typeName: "struct";
  readonly fields: readonly StructField[];
}

/** Constructors for data types, named as in Spark's `DataTypes`. */
export const DataTypes = {
  NullType: { typeName: "null" } as DataType,
  BooleanType: { typeName: "boolean" } as DataType,
  ByteType: { typeName: "byte" } as DataType,
  ShortType: { typeName: "short" } as DataType,
  IntegerType: { typeName: "integer" } as DataType,
  LongType: { typeName: "long" } as DataType,
  FloatType: { typeName: "float" } as DataType,
  DoubleType: { typeName: "double" } as DataType,
  StringType: { typeName: "string" } as DataType,
  BinaryType: { typeName: "binary" } as DataType,
  DateType: { typeName: "date" } as DataType,
  TimestampType: { typeName: "timestamp" } as DataType,
  TimestampNTZType: { typeName: "timestamp_ntz" } as DataType,
  decimal: (precision = 10, scale = 0): DataType => ({ typeName: "decimal", precision, scale }),
  array: (elementType: DataType, containsNull = true): DataType => ({
    typeName: "array",
    elementType,
    containsNull,
  }),
  map: (keyType: DataType, valueType: DataType, valueContainsNull = true): DataType => ({
    typeName: "map",
    keyType,
    valueType,
    valueContainsNull,
  }),
  struct: (fields: StructField[]): StructType => ({ typeName: "struct", fields }),
  field: (name: string, dataType: DataType, nullable = true): StructField => ({ name, dataType, nullable }),
};

/** Renders a type as Spark SQL DDL (`bigint`, `decimal(10,2)`, `struct<a:int,b:string>`). */
export function simpleString(t: DataType): string {
  switch (t.typeName) {
    case "null":
      return "void";
    case "byte":
      return "tinyint";
    case "short":
      return "smallint";
    case "integer":
      return "int";
    case "long":
      return "bigint";
    case "decimal":
      return `decimal(${t.precision},${t.scale})`;
    case "char":
      return `char(${t.length})`;
    case "varchar":
      return `varchar(${t.length})`;
    case "time":
      return `time(${t.precision})`;
    case "interval":
      return t.kind === "year_month"
        ? "interval year to month"
        : t.kind === "day_time"
          ? "interval day to second"
          : "interval";
    case "array":
      return `array<${simpleString(t.elementType)}>`;
    case "map":
      return `map<${simpleString(t.keyType)},${simpleString(t.valueType)}>`;
    case "struct":
      return `struct<${t.fields.map((f) => `${quoteIdent(f.name)}:${simpleString(f.dataType)}`).join(",")}>`;
    case "other":
      return t.name;
    default:
      return t.typeName;
  }
}

/** A schema as a DDL column list (`a INT, b STRING NOT NULL`), as the reader and createDataFrame accept. */
export function toDDL(schema: StructType): string {
  return schema.fields
    .map((f) => `${quoteIdent(f.name)} ${simpleString(f.dataType)}${f.nullable ? "" : " NOT NULL"}`)
    .join(", ");
}

/** Back-quotes an identifier when it is not a plain name. */
export function quoteIdent(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `\`${name.replace(/`/g, "``")}\``;
}

/** Prints a schema as a tree, like Spark's `printSchema`. */
export function treeString(schema: StructType): string {
  const lines = ["root"];
  const walk = (t: DataType, prefix: string) => {
    if (t.typeName === "struct") {
      for (const f of t.fields) {
        lines.push(`${prefix}|-- ${f.name}: ${shortName(f.dataType)} (nullable = ${f.nullable})`);
        walk(f.dataType, `${prefix}|    `);
      }
    } else if (t.typeName === "array") {
      lines.push(`${prefix}|-- element: ${shortName(t.elementType)} (containsNull = ${t.containsNull})`);
      walk(t.elementType, `${prefix}|    `);
    } else if (t.typeName === "map") {
      lines.push(`${prefix}|-- key: ${shortName(t.keyType)}`);
      walk(t.keyType, `${prefix}|    `);
      lines.push(
        `${prefix}|-- value: ${shortName(t.valueType)} (valueContainsNull = ${t.valueContainsNull})`,
      );
      walk(t.valueType, `${prefix}|    `);
    }
  };
  walk(schema, " ");
  return `${lines.join("\n")}\n`;
}

function shortName(t: DataType): string {
  return t.typeName === "struct" || t.typeName === "array" || t.typeName === "map"
    ? t.typeName
    : simpleString(t);
}

/** Converts the protocol's DataType to the client's. Unknown kinds become `{typeName:"other"}`. */
export function fromProtoDataType(p: ProtoDataType | undefined): DataType {
  const k = p?.kind;
  switch (k?.case) {
    case "null":
      return DataTypes.NullType;
    case "boolean":
      return DataTypes.BooleanType;
    case "byte":
      return DataTypes.ByteType;
    case "short":
      return DataTypes.ShortType;
    case "integer":
      return DataTypes.IntegerType;
    case "long":
      return DataTypes.LongType;
    case "float":
      return DataTypes.FloatType;
    case "double":
      return DataTypes.DoubleType;
    case "decimal":
      return { typeName: "decimal", precision: k.value.precision ?? 10, scale: k.value.scale ?? 0 };
    case "string":
      return k.value.collation && k.value.collation !== "UTF8_BINARY"
        ? { typeName: "string", collation: k.value.collation }
        : DataTypes.StringType;
    case "char":
      return { typeName: "char", length: k.value.length };
    case "varChar":
      return { typeName: "varchar", length: k.value.length };
    case "binary":
      return DataTypes.BinaryType;
    case "date":
      return DataTypes.DateType;
    case "timestamp":
      return DataTypes.TimestampType;
    case "timestampNtz":
      return DataTypes.TimestampNTZType;
    case "time":
      return { typeName: "time", precision: k.value.precision ?? 6 };
    case "calendarInterval":
      return { typeName: "interval", kind: "calendar" };
    case "yearMonthInterval":
      return { typeName: "interval", kind: "year_month" };
    case "dayTimeInterval":
      return { typeName: "interval", kind: "day_time" };
    case "variant":
      return { typeName: "variant" };
    case "array":
      return {
        typeName: "array",
        elementType: fromProtoDataType(k.value.elementType),
        containsNull: k.value.containsNull,
      };
    case "map":
      return {
        typeName: "map",
        keyType: fromProtoDataType(k.value.keyType),
        valueType: fromProtoDataType(k.value.valueType),
        valueContainsNull: k.value.valueContainsNull,
      };
    case "struct":
      return {
        typeName: "struct",
        fields: k.value.fields.map((f) => ({
          name: f.name,
          dataType: fromProtoDataType(f.dataType),
          nullable: f.nullable,
          ...(f.metadata ? { metadata: f.metadata } : {}),
        })),
      };
    case "udt":
      return k.value.sqlType ? fromProtoDataType(k.value.sqlType) : { typeName: "other", name: k.value.type };
    case "unparsed":
      return { typeName: "other", name: k.value.dataTypeString };
    default:
      return { typeName: "other", name: String(k?.case ?? "unknown") };
  }
}
