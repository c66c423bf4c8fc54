/** Number and size formatting shared by the text and HTML reports. */
export const int = (n: number | undefined) => (n === undefined ? "–" : n.toLocaleString("en-US"));

export function bytes(n: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(u === 0 ? 0 : 1)} ${units[u]}`;
}

export const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Raw-input throughput of a run in MB/s. */
export function throughput(inputBytes: number, ms: number): number {
  return ms > 0 ? inputBytes / 2 ** 20 / (ms / 1000) : 0;
}
