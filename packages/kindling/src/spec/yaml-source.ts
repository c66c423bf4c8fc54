// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${name} is the pipeline spec's parameter syntax, not a mistake.
/**
 * The YAML side of loading: syntax errors, duplicate keys, turning the document into plain values
 * (substituting parameters on the way) and mapping spec paths back to line:column.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, type Pair, parseDocument, Scalar } from "yaml";
import type { SpecPath } from "./errors.js";
import type { IssueDraft } from "./issues.js";
import { interpolate, isWholeReference } from "./parameters.js";

type YamlDocument = ReturnType<typeof parseDocument>;

/** A parsed YAML file and what is needed to point into it. */
export interface YamlSource {
  text: string;
  doc: YamlDocument;
  lines: LineCounter;
}

/** A place in the file: 1-based line and column. */
export interface Position {
  line: number;
  column: number;
}

/** A draft that already knows its absolute offset in the text (syntax errors, duplicate keys). */
export type PlacedDraft = IssueDraft & { offset?: number };

/** Parses YAML text; syntax errors come back as drafts with offsets (the document is then unusable). */
export function readYaml(text: string): { source: YamlSource; syntaxIssues: PlacedDraft[] } {
  const lines = new LineCounter();
  // Duplicate keys are reported by checkDuplicateKeys with a message that names what is duplicated.
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false, prettyErrors: false });
  const syntaxIssues: PlacedDraft[] = [];
  for (const error of doc.errors) {
    let offset = error.pos[0];
    let message = error.message.split("\n")[0]!;
    // YAML notices an unclosed quote at the end of the file; the mistake is where the quote opens.
    const quote = /^Missing closing (["'])quote/.exec(message)?.[1];
    if (error.code === "MISSING_CHAR" && quote) {
      const opening = text.lastIndexOf(quote, offset - 1);
      if (opening >= 0) offset = opening;
      message = `the string opened with ${quote} here is never closed`;
    }
    const lineStart = text.lastIndexOf("\n", offset - 1) + 1;
    const line = text.slice(
      lineStart,
      text.indexOf("\n", offset) < 0 ? undefined : text.indexOf("\n", offset),
    );
    if (/[{[].*\$\{|\$\{.*[}\]]/.test(line) && !quote)
      message += " (in { } or [ ], quote values that use ${...})";
    syntaxIssues.push({ code: "yaml_syntax", path: [], message: `YAML syntax error: ${message}`, offset });
    // After the first mistake the parser is out of step and what follows is mostly noise.
    break;
  }
  return { source: { text, doc, lines }, syntaxIssues };
}

function keyText(pair: Pair): string {
  const key = pair.key;
  if (isScalar(key)) return String(key.value);
  return String(key);
}

const NAMED_MAPS: Record<string, string> = {
  sources: "source name",
  sinks: "sink name",
  parameters: "parameter name",
};

/** Every key that appears twice in one map, pointing at the second one. */
export function checkDuplicateKeys(source: YamlSource): PlacedDraft[] {
  const issues: PlacedDraft[] = [];
  const visit = (node: unknown, path: SpecPath): void => {
    if (isMap(node)) {
      const seen = new Map<string, Pair>();
      for (const pair of node.items) {
        const key = keyText(pair);
        const first = seen.get(key);
        if (first) {
          const what = path.length === 1 ? (NAMED_MAPS[String(path[0])] ?? "key") : "key";
          const firstLine = source.lines.linePos(rangeOf(first.key)?.[0] ?? 0).line;
          issues.push({
            code: "duplicate_name",
            path: [...path, key],
            message: `duplicate ${what} ${JSON.stringify(key)} (first defined on line ${firstLine})`,
            ...(rangeOf(pair.key) ? { offset: rangeOf(pair.key)![0] } : {}),
          });
        } else {
          seen.set(key, pair);
        }
        visit(pair.value, [...path, key]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        visit(item, [...path, i]);
      });
    }
  };
  visit(source.doc.contents, []);
  return issues;
}

function rangeOf(node: unknown): readonly [number, number, number] | undefined {
  return (node as { range?: [number, number, number] } | null)?.range ?? undefined;
}

/** Reads a plain scalar the way YAML's core schema would (for `${x}` written without quotes). */
function retypePlain(text: string): unknown {
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return Number(text);
  if (/^(true|false)$/i.test(text)) return text.toLowerCase() === "true";
  if (/^(null|~)?$/i.test(text)) return null;
  return text;
}

/**
 * The document as plain values, with parameters substituted in every string outside `parameters`.
 * An unquoted whole reference (`min: ${low}`) takes the type YAML would give the value written there.
 */
export function yamlToValue(
  source: YamlSource,
  values: ReadonlyMap<string, string | undefined>,
  issues: IssueDraft[],
): unknown {
  const convert = (node: unknown, path: SpecPath, depth: number): unknown => {
    if (depth > 100) return null; // an alias loop; YAML reports it as an error too
    if (isAlias(node)) return convert(node.resolve(source.doc), path, depth + 1);
    if (isScalar(node)) {
      const value = node.value;
      if (typeof value !== "string" || path[0] === "parameters") return value;
      const before = issues.length;
      const replaced = interpolate(value, values, path, issues);
      const ok = issues.length === before;
      if (ok && node.type === Scalar.PLAIN && isWholeReference(value)) return retypePlain(replaced);
      return replaced;
    }
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      for (const pair of node.items) {
        const key = keyText(pair);
        if (!(key in out)) out[key] = convert(pair.value, [...path, key], depth + 1);
      }
      return out;
    }
    if (isSeq(node)) return node.items.map((item, i) => convert(item, [...path, i], depth + 1));
    return node ?? null;
  };
  return convert(source.doc.contents, [], 0);
}

/** Finds the node at `path`: the deepest node reached, and the pair whose value it is (if any). */
function walk(source: YamlSource, path: SpecPath): { node: unknown; pair?: Pair; complete: boolean } {
  let node: unknown = source.doc.contents;
  let pair: Pair | undefined;
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(source.doc);
    if (isMap(node)) {
      const found = node.items.find((p) => keyText(p) === String(segment));
      if (!found) return { node, ...(pair ? { pair } : {}), complete: false };
      pair = found;
      node = found.value;
    } else if (isSeq(node) && typeof segment === "number" && segment < node.items.length) {
      pair = undefined;
      node = node.items[segment];
    } else {
      return { node, ...(pair ? { pair } : {}), complete: false };
    }
  }
  return { node, ...(pair ? { pair } : {}), complete: true };
}

/** The line:column an issue points at, or undefined when the document has no such place. */
export function locate(source: YamlSource, draft: PlacedDraft): Position | undefined {
  const at = (offset: number): Position => {
    const { line, col } = source.lines.linePos(offset);
    return { line, column: col };
  };
  if (draft.offset !== undefined) return at(draft.offset);
  const { node, pair, complete } = walk(source, draft.path);
  const keyRange = rangeOf(pair?.key);
  // A missing key or an unknown key: point at the key that holds it (or the map itself).
  if (!complete || draft.at === "key") {
    const range = keyRange ?? rangeOf(node);
    return range ? at(range[0]) : undefined;
  }
  const range = rangeOf(node);
  if (!range || (isScalar(node) && node.value === null && keyRange))
    return keyRange ? at(keyRange[0]) : undefined;
  if (draft.token && isScalar(node)) {
    const quoted = node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE;
    const guess = range[0] + (quoted ? 1 : 0) + draft.token.offset;
    if (source.text.startsWith(draft.token.text, guess)) return at(guess);
    const found = source.text.indexOf(draft.token.text, range[0]);
    if (found >= 0 && found < range[1]) return at(found);
  }
  return at(range[0]);
}
