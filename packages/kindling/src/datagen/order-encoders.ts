import { ascii, type ByteSink } from "./byte-sink.js";
import { formatDay } from "./calendar.js";
import { ORDER_COLUMNS } from "./contract.js";
import { csvField } from "./csv.js";
import type { OrdersFormat } from "./options.js";
import type { OrderRow } from "./order-row.js";
import type { Random } from "./random.js";
import { CHANNELS, COUNTRIES, STATUSES } from "./vocabulary.js";

/** Writes order records in one file format. */
export interface OrderEncoder {
  /** File name extension of an orders file, without the dot. */
  readonly extension: string;
  /** Whatever starts a file (the CSV header row). */
  header(sink: ByteSink): void;
  /** A record with the canonical text of every column (the fast path, no allocation). */
  clean(row: OrderRow, sink: ByteSink): void;
  /** A well-formed record of arbitrary field texts; null is an absent value. */
  fields(fields: readonly (string | null)[], sink: ByteSink): void;
  /** A malformed record: too few or too many fields (CSV) or a truncated object (JSON). */
  wrongFieldCount(fields: readonly (string | null)[], rng: Random, sink: ByteSink): void;
  /** A malformed record with a quote left open; `next` is swallowed into it (CSV). */
  unterminatedQuote(
    fields: readonly (string | null)[],
    next: readonly (string | null)[],
    rng: Random,
    sink: ByteSink,
  ): void;
}

/** The encoder of a format; `firstDay`..`lastDay` are the days whose text is pre-encoded. */
export function encoderFor(format: OrdersFormat, firstDay: number, lastDay: number): OrderEncoder {
  const days = new Uint8Array((lastDay - firstDay + 1) * 10);
  for (let d = firstDay; d <= lastDay; d++) days.set(ascii(formatDay(d)), (d - firstDay) * 10);
  return format === "csv" ? new CsvOrderEncoder(firstDay, days) : new JsonOrderEncoder(firstDay, days);
}

const STATUS_BYTES = STATUSES.map(([s]) => ascii(s));
const COUNTRY_BYTES = COUNTRIES.map(([c]) => ascii(c));
const CHANNEL_BYTES = CHANNELS.map(([c]) => ascii(c));
const COMMA = 44;
const NEWLINE = 10;
const QUOTE = 34;

abstract class BaseEncoder {
  constructor(
    private readonly firstDay: number,
    /** `yyyy-MM-dd` of each day from `firstDay`, 10 bytes each. */
    private readonly days: Uint8Array,
  ) {}

  /** `yyyy-MM-dd HH:mm:ss` straight into the sink. */
  protected timestamp(ts: number, sink: ByteSink): void {
    const day = Math.floor(ts / 86_400);
    const at = (day - this.firstDay) * 10;
    if (at >= 0 && at < this.days.length) sink.slice(this.days, at, 10);
    else sink.text(formatDay(day));
    sink.slice(timesOfDay(), (ts - day * 86_400) * 9, 9);
  }
}

let timeTable: Uint8Array | null = null;

/** " HH:mm:ss" for every second of a day, 9 bytes each (777 kB, built on first use). */
function timesOfDay(): Uint8Array {
  if (timeTable) return timeTable;
  const table = new Uint8Array(86_400 * 9);
  for (let s = 0; s < 86_400; s++) {
    const text = ` ${pad2(Math.floor(s / 3600))}:${pad2(Math.floor((s % 3600) / 60))}:${pad2(s % 60)}`;
    for (let i = 0; i < 9; i++) table[s * 9 + i] = text.charCodeAt(i);
  }
  timeTable = table;
  return table;
}

function pad2(n: number): string {
  return String(n).padStart(2, "0");
}

class CsvOrderEncoder extends BaseEncoder implements OrderEncoder {
  readonly extension = "csv";
  private readonly headerBytes = ascii(`${ORDER_COLUMNS.join(",")}\n`);

  header(sink: ByteSink): void {
    sink.raw(this.headerBytes);
  }

  clean(row: OrderRow, sink: ByteSink): void {
    sink.byte(79);
    sink.padded(row.orderNo, 9);
    sink.byte(COMMA);
    sink.byte(67);
    sink.padded(row.customerNo, 6);
    sink.byte(COMMA);
    sink.byte(80);
    sink.padded(row.productNo, 5);
    sink.byte(COMMA);
    this.timestamp(row.ts, sink);
    sink.byte(COMMA);
    sink.uint(row.quantity);
    sink.byte(COMMA);
    sink.cents(row.priceCents);
    sink.byte(COMMA);
    sink.raw(STATUS_BYTES[row.status]!);
    sink.byte(COMMA);
    sink.raw(COUNTRY_BYTES[row.country]!);
    sink.byte(COMMA);
    sink.raw(CHANNEL_BYTES[row.channel]!);
    sink.byte(NEWLINE);
  }

  fields(fields: readonly (string | null)[], sink: ByteSink): void {
    sink.text(`${fields.map(csvText).join(",")}\n`);
  }

  wrongFieldCount(fields: readonly (string | null)[], rng: Random, sink: ByteSink): void {
    const edited = [...fields];
    if (rng.next() < 0.5) edited.splice(rng.int(edited.length), 1);
    else edited.push(...["gift", "", "note,extra"].slice(0, 1 + rng.int(3)));
    this.fields(edited, sink);
  }

  unterminatedQuote(
    fields: readonly (string | null)[],
    next: readonly (string | null)[],
    rng: Random,
    sink: ByteSink,
  ): void {
    // The quote opens at field k and closes at the end of the next line: one record of k + 1 fields.
    const k = 1 + rng.int(fields.length - 2);
    const head = fields.slice(0, k).map(csvText).join(",");
    const tail = fields
      .slice(k)
      .map((f) => f ?? "")
      .join(",");
    sink.text(`${head},"${tail}\n${next.map((f) => f ?? "").join(",")}"\n`);
  }
}

/** A CSV field: null is an empty field, "" a quoted empty one. */
function csvText(field: string | null): string {
  if (field === null) return "";
  return field === "" ? '""' : csvField(field);
}

const NUMERIC_COLUMNS = new Set([4, 5]);
const JSON_KEYS = ORDER_COLUMNS.map((c, i) => `${i === 0 ? "{" : ","}"${c}":`);

class JsonOrderEncoder extends BaseEncoder implements OrderEncoder {
  readonly extension = "jsonl";
  private readonly keys = JSON_KEYS.map((k, i) => ascii(`${k}${NUMERIC_COLUMNS.has(i) ? "" : '"'}`));
  private readonly stringEnd = ascii('"');

  header(_sink: ByteSink): void {}

  clean(row: OrderRow, sink: ByteSink): void {
    const k = this.keys;
    sink.raw(k[0]!);
    sink.byte(79);
    sink.padded(row.orderNo, 9);
    sink.byte(QUOTE);
    sink.raw(k[1]!);
    sink.byte(67);
    sink.padded(row.customerNo, 6);
    sink.byte(QUOTE);
    sink.raw(k[2]!);
    sink.byte(80);
    sink.padded(row.productNo, 5);
    sink.byte(QUOTE);
    sink.raw(k[3]!);
    this.timestamp(row.ts, sink);
    sink.raw(this.stringEnd);
    sink.raw(k[4]!);
    sink.uint(row.quantity);
    sink.raw(k[5]!);
    sink.cents(row.priceCents);
    sink.raw(k[6]!);
    sink.raw(STATUS_BYTES[row.status]!);
    sink.byte(QUOTE);
    sink.raw(k[7]!);
    sink.raw(COUNTRY_BYTES[row.country]!);
    sink.byte(QUOTE);
    sink.raw(k[8]!);
    sink.raw(CHANNEL_BYTES[row.channel]!);
    sink.byte(QUOTE);
    sink.byte(125);
    sink.byte(NEWLINE);
  }

  fields(fields: readonly (string | null)[], sink: ByteSink): void {
    sink.text(`${jsonObject(fields, -1)}\n`);
  }

  wrongFieldCount(fields: readonly (string | null)[], rng: Random, sink: ByteSink): void {
    // Any strict prefix of an object is not JSON; keep at least the opening brace and one character.
    const json = jsonObject(fields, -1);
    sink.text(`${json.slice(0, 2 + rng.int(json.length - 3))}\n`);
  }

  unterminatedQuote(
    fields: readonly (string | null)[],
    _next: readonly (string | null)[],
    rng: Random,
    sink: ByteSink,
  ): void {
    const strings = [0, 1, 2, 3, 6, 7, 8].filter((i) => fields[i] !== null);
    sink.text(`${jsonObject(fields, strings.length > 0 ? rng.pick(strings) : -1)}\n`);
  }
}

/** A JSON object of the order columns; numbers stay bare when they look like numbers; `openAt` loses its closing quote. */
function jsonObject(fields: readonly (string | null)[], openAt: number): string {
  let out = "";
  fields.forEach((value, i) => {
    out += JSON_KEYS[i] ?? `,"extra_${i}":`;
    if (value === null) out += "null";
    else if (NUMERIC_COLUMNS.has(i) && /^-?[0-9]+(\.[0-9]+)?$/.test(value)) out += value;
    else out += i === openAt ? JSON.stringify(value).slice(0, -1) : JSON.stringify(value);
  });
  return `${out}}`;
}
