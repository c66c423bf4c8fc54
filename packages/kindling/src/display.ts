/**
 * Values from the data shown in messages (a header name, a raw record, a file's bytes): control
 * and other non-printable characters are escaped, so a binary file or an escape sequence cannot
 * reach the terminal as is, and long values are cut. The one helper every error message uses.
 */

/** Characters shown escaped: C0/C1 controls, DEL, the replacement char, separators, format chars, lone surrogates. */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\uFFFD]|\p{Cs}/gu;

/**
 * `value` made safe to print: `\n`, `\r`, `\t` as such, other code points below U+0100 as `\xNN`,
 * the rest as `\u{…}`; cut after `max` characters (default 120) with how many were left out.
 * Bytes (a Buffer or Uint8Array) are shown as text where they are printable ASCII, `\xNN` otherwise.
 */
export function displayValue(value: string | Uint8Array, max = 120): string {
  const text = typeof value === "string" ? value : bytesAsText(value);
  const escaped = typeof value === "string" ? escapeUnprintable(text) : text;
  const chars = [...escaped];
  if (chars.length <= max) return escaped;
  return `${chars.slice(0, max).join("")}… (${chars.length - max} more characters)`;
}

function escapeUnprintable(s: string): string {
  return s.replace(UNPRINTABLE, (ch) => {
    if (ch === "\n") return "\\n";
    if (ch === "\r") return "\\r";
    if (ch === "\t") return "\\t";
    const cp = ch.codePointAt(0)!;
    return cp < 0x100 ? `\\x${cp.toString(16).padStart(2, "0")}` : `\\u{${cp.toString(16)}}`;
  });
}

/** Raw bytes: printable ASCII kept, a backslash doubled, every other byte as `\xNN`. */
export function bytesAsText(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) {
    if (b === 0x5c) out += "\\\\";
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\x${b.toString(16).padStart(2, "0")}`;
  }
  return out;
}
