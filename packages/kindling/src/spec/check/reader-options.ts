/**
 * Spark's documented reader options per source format (Spark 4, data source option pages). Spark
 * matches option names ignoring case; so do we. `mode` and `columnNameOfCorruptRecord` are left out on
 * purpose: the source's `malformed` policy sets them.
 */
import type { SourceSpec } from "../schema.js";

const GENERIC = [
  "pathGlobFilter",
  "recursiveFileLookup",
  "modifiedBefore",
  "modifiedAfter",
  "ignoreCorruptFiles",
  "ignoreMissingFiles",
  "basePath",
];

const TEXT_COMMON = [
  "encoding",
  "charset",
  "lineSep",
  "multiLine",
  "dateFormat",
  "timestampFormat",
  "timestampNTZFormat",
  "enableDateTimeParsingFallback",
  "locale",
  "samplingRatio",
  "timeZone",
  "compression",
];

const CSV = [
  "sep",
  "delimiter",
  "quote",
  "quoteAll",
  "escape",
  "escapeQuotes",
  "comment",
  "header",
  "inferSchema",
  "preferDate",
  "enforceSchema",
  "ignoreLeadingWhiteSpace",
  "ignoreTrailingWhiteSpace",
  "nullValue",
  "nanValue",
  "positiveInf",
  "negativeInf",
  "maxColumns",
  "maxCharsPerColumn",
  "charToEscapeQuoteEscaping",
  "emptyValue",
  "unescapedQuoteHandling",
];

const JSON_OPTIONS = [
  "primitivesAsString",
  "prefersDecimal",
  "allowComments",
  "allowUnquotedFieldNames",
  "allowSingleQuotes",
  "allowNumericLeadingZeros",
  "allowBackslashEscapingAnyCharacter",
  "allowUnquotedControlChars",
  "allowNonNumericNumbers",
  "dropFieldIfAllNull",
  "ignoreNullFields",
];

const PARQUET = ["mergeSchema", "datetimeRebaseMode", "int96RebaseMode"];

/** Reader options Kindling sets itself from the spec; writing them by hand would fight the policy. */
export const POLICY_OPTIONS = ["mode", "columnNameOfCorruptRecord"];

/** The reader options a source format accepts. */
export function readerOptions(format: SourceSpec["format"]): readonly string[] {
  switch (format) {
    case "csv":
      return [...CSV, ...TEXT_COMMON, ...GENERIC];
    case "json":
    case "jsonl":
      return [...JSON_OPTIONS, ...TEXT_COMMON, ...GENERIC];
    case "parquet":
      return [...PARQUET, ...GENERIC];
    case "delta":
      // Time travel has its own fields (version, timestamp); Delta's reader takes no file options.
      return [];
  }
}
