/**
 * One model for every table of the run report, rendered to Markdown and to HTML by the two
 * functions below, so the two formats show the same columns and the same cell texts.
 */
import { esc } from "./svg.js";

export type Align = "left" | "right" | "center";

/** How one column is built from a row: its header, its alignment and its cell text. */
export interface Column<R> {
  header: string;
  /** Default `left`; counts and sizes are `right`. */
  align?: Align;
  cell: (row: R) => string;
  /** Shown as code (Markdown backticks, HTML `<code>`): paths. */
  code?: boolean;
  /** Colours the HTML cell (`ok` green, `bad` red); the text says the same in both formats. */
  tone?: (row: R) => "ok" | "bad" | undefined;
}

/** A cell as both renderers see it. */
export interface Cell {
  text: string;
  code?: boolean;
  tone?: "ok" | "bad";
}

/** A built table: its key (a stable id), header row and cells. */
export interface ReportTable {
  /** A stable id, e.g. `steps` (the HTML table's `data-table`). */
  key: string;
  columns: { header: string; align: Align }[];
  rows: Cell[][];
}

/** Builds a table by applying each column's formatter to each row. */
export function buildTable<R>(key: string, columns: Column<R>[], rows: readonly R[]): ReportTable {
  return {
    key,
    columns: columns.map((c) => ({ header: c.header, align: c.align ?? "left" })),
    rows: rows.map((r) =>
      columns.map((c) => {
        const tone = c.tone?.(r);
        return { text: c.cell(r), ...(c.code ? { code: true } : {}), ...(tone ? { tone } : {}) };
      }),
    ),
  };
}

const MD_RULE: Record<Align, string> = { left: "---", right: "---:", center: ":---:" };

/** A cell's text as Markdown: one line, `|` escaped (it would end the cell). */
function markdownCell(c: Cell): string {
  const text = c.text.replace(/\s*\n\s*/g, " ").replace(/\|/g, "\\|");
  return c.code ? `\`${text}\`` : text;
}

/** The table as GitHub-flavoured Markdown lines (header, alignment rule, one line per row). */
export function markdownTable(t: ReportTable): string[] {
  return [
    `| ${t.columns.map((c) => c.header).join(" | ")} |`,
    `|${t.columns.map((c) => MD_RULE[c.align]).join("|")}|`,
    ...t.rows.map((r) => `| ${r.map(markdownCell).join(" | ")} |`),
  ];
}

function htmlCell(c: Cell): string {
  const body = c.code ? `<code>${esc(c.text)}</code>` : esc(c.text);
  return c.tone ? `<td class="${c.tone}">${body}</td>` : `<td>${body}</td>`;
}

/**
 * The table as HTML. Alignment is a column property, so it is written once as CSS for the table's
 * columns (cells are left-aligned unless their column says otherwise).
 */
export function htmlTable(t: ReportTable): string {
  const sel = `table[data-table="${t.key}"]`;
  const rules = t.columns
    .map((c, i) =>
      c.align === "left"
        ? ""
        : `${sel} td:nth-child(${i + 1}),${sel} th:nth-child(${i + 1}){text-align:${c.align}}`,
    )
    .join("");
  const style = rules ? `<style>${rules}</style>` : "";
  const head = `<tr>${t.columns.map((c) => `<th>${esc(c.header)}</th>`).join("")}</tr>`;
  const body = t.rows.map((r) => `<tr>${r.map(htmlCell).join("")}</tr>`).join("");
  return `${style}<table data-table="${t.key}">${head}${body}</table>`;
}
