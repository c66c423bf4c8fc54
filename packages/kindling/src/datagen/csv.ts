/** The CSV dialect of the generated files: RFC 4180, comma, double quote, `""` escape, LF line ends, UTF-8. */

const NEEDS_QUOTES = /[",\r\n]/;

/** A field as written in a CSV line: quoted (quotes doubled) when it holds a comma, quote or line break. */
export function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** One parsed CSV record. */
export interface CsvRecord {
  /** Field values; an unquoted empty field is `null`, a quoted empty field `""`. */
  readonly fields: (string | null)[];
  /** True when the file ended inside an open quote. */
  readonly unterminated: boolean;
}

/**
 * Splits CSV text into records as an RFC 4180 reader with multi-line support does (Spark's
 * `multiLine` mode): line breaks inside quotes belong to the field. A quote inside an unquoted
 * field is kept as a character. Returns every record, the header included.
 */
export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: (string | null)[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    let value: string | null;
    if (text[i] === '"') {
      let out = "";
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0) {
          fields.push(out + text.slice(j));
          records.push({ fields, unterminated: true });
          return records;
        }
        out += text.slice(j, q);
        if (text[q + 1] === '"') {
          out += '"';
          j = q + 2;
        } else {
          j = q + 1;
          break;
        }
      }
      // Anything between the closing quote and the next delimiter is kept, as lenient readers do.
      let k = j;
      while (k < n && text[k] !== "," && text[k] !== "\n") k++;
      value = out + text.slice(j, k).replace(/\r$/, "");
      i = k;
    } else {
      let k = i;
      while (k < n && text[k] !== "," && text[k] !== "\n") k++;
      const raw = text.slice(i, k).replace(/\r$/, "");
      value = raw === "" ? null : raw;
      i = k;
    }
    fields.push(value);
    if (i >= n || text[i] === "\n") {
      records.push({ fields, unterminated: false });
      fields = [];
    }
    i++;
    if (i === n && text[n - 1] === ",") {
      fields.push(null);
      records.push({ fields, unterminated: false });
    }
  }
  return records;
}
