import type { DataType as ProtoDataType } from "./gen/spark/connect/types_pb.js";

/**
 * A type without parameters, named by `typeName` as Spark's JSON schema spells it (`integer`,
 * `long`, `timestamp_ntz`…; types.proto `DataType`).
 */
export interface SimpleType<N extends string> {
  /** Spark's name of the type, e.g. `integer`, `timestamp_ntz`. */
  readonly typeName: N;
}

/** DECIMAL(precision, scale): exact numbers, decoded to {@link Decimal}. */
export interface DecimalType extends SimpleType<"decimal"> {
  /** Total digits, 1–38. */
  readonly precision: number;
  /** Digits after the point, 0–precision. */
  readonly scale: number;
}

/** STRING, with its collation when it is not the default UTF8_BINARY. */
export interface StringType extends SimpleType<"string"> {
  /** The collation name (e.g. `UTF8_LCASE`); absent for the default. */
  readonly collation?: string;
}

/** CHAR(n) or VARCHAR(n): strings with a length limit. */
export interface CharType extends SimpleType<"char" | "varchar"> {
  /** The limit, in characters. */
  readonly length: number;
}

/** TIME(p): a time of day without date (Spark 4.1+). */
export interface TimeType extends SimpleType<"time"> {
  /** Fractional-second digits, 0–6. */
  readonly precision: number;
}

/** An INTERVAL type. */
export interface IntervalType extends SimpleType<"interval"> {
  /** `calendar` (months, days, microseconds), `year_month` or `day_time` (ANSI intervals). */
  readonly kind: "calendar" | "year_month" | "day_time";
}

/** ARRAY<elementType>. */
export interface ArrayType extends SimpleType<"array"> {
  /** The type of the elements. */
  readonly elementType: DataType;
  /** True when elements may be null. */
  readonly containsNull: boolean;
}

/** MAP<keyType, valueType>. */
export interface MapType extends SimpleType<"map"> {
  /** The type of the keys (never null). */
  readonly keyType: DataType;
  /** The type of the values. */
  readonly valueType: DataType;
  /** True when values may be null. */
  readonly valueContainsNull: boolean;
}

/** A type this client does not model (kept by name so schemas still print). */
export interface OtherType extends SimpleType<"other"> {
  /** The server's name of the type. */
  readonly name: string;
}

/**
 * Spark SQL data types as plain, immutable JS values. `typeName` follows Spark's simple type
 * names; `simpleString` renders the type as Spark's DDL does (`decimal(10,2)`, `array<int>`).
 */
export type DataType =
  | SimpleType<
      | "null"
      | "boolean"
      | "byte"
      | "short"
      | "integer"
      | "long"
      | "float"
      | "double"
      | "binary"
      | "date"
      | "timestamp"
      | "timestamp_ntz"
      | "variant"
    >
  | DecimalType
  | StringType
  | CharType
  | TimeType
  | IntervalType
  | ArrayType
  | MapType
  | StructType
  | OtherType;

/** One field of a {@link StructType}. */
export interface StructField {
  /** The field (column) name. */
  readonly name: string;
  /** Its type. */
  readonly dataType: DataType;
  /** True when it may hold null. */
  readonly nullable: boolean;
  /** Spark's field metadata as JSON text, when there is any. */
  readonly metadata?: string;
}

/** STRUCT<…>: a row type; a DataFrame's schema is one. */
export interface StructType {
  /** Always `struct`. */
  readonly typeName: "struct";
  /** The fields, in order. */
  readonly fields: readonly StructField[];
}

/** Constructors for data types, named as in Spark's `DataTypes`. */
export const DataTypes = {
  /** The type of an untyped null (`void`). */
  NullType: { typeName: "null" } as DataType,
  /** BOOLEAN. */
  BooleanType: { typeName: "boolean" } as DataType,
  /** TINYINT (8-bit). */
  ByteType: { typeName: "byte" } as DataType,
  /** SMALLINT (16-bit). */
  ShortType: { typeName: "short" } as DataType,
  /** INT (32-bit). */
  IntegerType: { typeName: "integer" } as DataType,
  /** BIGINT (64-bit), decoded to bigint. */
  LongType: { typeName: "long" } as DataType,
  /** FLOAT (32-bit IEEE). */
  FloatType: { typeName: "float" } as DataType,
  /** DOUBLE (64-bit IEEE). */
  DoubleType: { typeName: "double" } as DataType,
  /** STRING (UTF-8). */
  StringType: { typeName: "string" } as DataType,
  /** BINARY (bytes), decoded to Uint8Array. */
  BinaryType: { typeName: "binary" } as DataType,
  /** DATE (a day, no time zone). */
  DateType: { typeName: "date" } as DataType,
  /** TIMESTAMP: an instant, shown in the session time zone. */
  TimestampType: { typeName: "timestamp" } as DataType,
  /** TIMESTAMP_NTZ: a wall-clock date-time without time zone. */
  TimestampNTZType: { typeName: "timestamp_ntz" } as DataType,
  /** DECIMAL(precision, scale); Spark's default is DECIMAL(10, 0). */
  decimal: (precision = 10, scale = 0): DataType => ({ typeName: "decimal", precision, scale }),
  /** ARRAY of `elementType`; elements may be null unless `containsNull` is false. */
  array: (elementType: DataType, containsNull = true): DataType => ({
    typeName: "array",
    elementType,
    containsNull,
  }),
  /** MAP from `keyType` to `valueType`; values may be null unless `valueContainsNull` is false. */
  map: (keyType: DataType, valueType: DataType, valueContainsNull = true): DataType => ({
    typeName: "map",
    keyType,
    valueType,
    valueContainsNull,
  }),
  /** STRUCT of the fields, in order. */
  struct: (fields: StructField[]): StructType => ({ typeName: "struct", fields }),
  /** A struct field; nullable unless `nullable` is false. */
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
