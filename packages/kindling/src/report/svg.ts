/** Tiny SVG chart helpers: the HTML report is self-contained and opens offline. */
export const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface Bar {
  label: string;
  segments: { value: number; color: string; title: string }[];
}

/** Horizontal stacked bars, one per label. */
export function barChart(bars: Bar[], options: { width?: number; unit?: string } = {}): string {
  const width = options.width ?? 760;
  const labelW = 190;
  const rowH = 24;
  const max = Math.max(1, ...bars.map((b) => b.segments.reduce((a, s) => a + s.value, 0)));
  const scale = (width - labelW - 90) / max;
  const rows = bars.map((b, i) => {
    let x = labelW;
    const y = i * rowH + 4;
    const total = b.segments.reduce((a, s) => a + s.value, 0);
    const rects = b.segments
      .filter((s) => s.value > 0)
      .map((s) => {
        const w = Math.max(1, s.value * scale);
        const r = `<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${rowH - 8}" fill="${s.color}"><title>${esc(s.title)}</title></rect>`;
        x += w;
        return r;
      })
      .join("");
    return `<text x="${labelW - 6}" y="${y + rowH / 2}" text-anchor="end" class="lbl">${esc(b.label)}</text>${rects}<text x="${(x + 6).toFixed(1)}" y="${y + rowH / 2}" class="val">${esc(total.toLocaleString("en-US"))}${options.unit ?? ""}</text>`;
  });
  return `<svg width="${width}" height="${bars.length * rowH + 8}" role="img">${rows.join("")}</svg>`;
}

export interface Span {
  label: string;
  start: number;
  end: number;
  color: string;
  title: string;
}

/** A timeline (Gantt) of spans in milliseconds from the first start. */
export function timeline(spans: Span[], width = 760): string {
  if (!spans.length) return "<p>No stage timings (the Spark UI was not reachable).</p>";
  const t0 = Math.min(...spans.map((s) => s.start));
  const t1 = Math.max(...spans.map((s) => s.end));
  const labelW = 110;
  const rowH = 18;
  const scale = (width - labelW - 20) / Math.max(1, t1 - t0);
  const rows = spans.map((s, i) => {
    const x = labelW + (s.start - t0) * scale;
    const w = Math.max(2, (s.end - s.start) * scale);
    const y = i * rowH + 4;
    return `<text x="${labelW - 6}" y="${y + 11}" text-anchor="end" class="lbl">${esc(s.label)}</text><rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${rowH - 5}" fill="${s.color}"><title>${esc(s.title)}</title></rect>`;
  });
  const axisY = spans.length * rowH + 14;
  const ticks = [0, 0.25, 0.5, 0.75, 1]
    .map((f) => {
      const x = labelW + f * (width - labelW - 20);
      return `<text x="${x.toFixed(1)}" y="${axisY}" class="val" text-anchor="middle">${(((t1 - t0) * f) / 1000).toFixed(1)} s</text>`;
    })
    .join("");
  return `<svg width="${width}" height="${axisY + 6}" role="img">${rows.join("")}${ticks}</svg>`;
}
