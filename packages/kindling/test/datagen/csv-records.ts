/**
 * A deliberately tiny RFC 4180 record splitter for tests, written apart from the generator's own
 * reader so the two can check each other: quotes toggle, `""` is a quote, line breaks inside
 * quotes stay in the field.
 */
export function splitCsvRecords(text: string): string[][] {
  const records: string[][] = [];
  let field = "";
  let fields: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      fields.push(field);
      field = "";
    } else if (ch === "\n") {
      fields.push(field);
      records.push(fields);
      fields = [];
      field = "";
    } else field += ch;
  }
  if (quoted) throw new Error("text ends inside a quoted field");
  if (field !== "" || fields.length > 0) records.push([...fields, field]);
  return records;
}
