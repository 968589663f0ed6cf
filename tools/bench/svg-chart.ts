/** A line of a chart: its name in the legend and its points. */
export interface ChartSeries {
  name: string;
  points: { x: number; y: number }[];
}

export interface ChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  /** "log" for a figure that spans decades (latency from a healthy 10 ms to a saturated 20 s) */
  yScale?: "linear" | "log";
  series: ChartSeries[];
}

const W = 640;
const H = 400;
// the legend is a row under the title, so the last points' labels have the right margin to themselves
const M = { left: 70, right: 60, top: 58, bottom: 56 };
const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"];

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const label = (n: number) =>
  Math.abs(n) >= 1000
    ? n.toLocaleString("en-US", { maximumFractionDigits: 0 })
    : String(Math.round(n * 10) / 10);
// a round step of about a fifth of the range: 1, 2 or 5 times a power of ten
function niceStep(max: number): number {
  const raw = max / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((f) => f * power).find((s) => s >= raw) ?? raw;
}

/** The y axis: where a value sits (0 at the bottom, 1 at the top) and the values it is ticked at. */
function yAxis(ys: number[], scale: "linear" | "log"): { at: (y: number) => number; ticks: number[] } {
  if (scale === "log") {
    const positive = ys.filter((y) => y > 0);
    const lo = Math.floor(Math.log10(Math.min(...positive, 1)));
    const hi = Math.max(lo + 1, Math.ceil(Math.log10(Math.max(...positive, 10))));
    const ticks = Array.from({ length: hi - lo + 1 }, (_, i) => 10 ** (lo + i));
    return { at: (y) => (Math.log10(Math.max(y, 10 ** lo)) - lo) / (hi - lo), ticks };
  }
  const step = niceStep(Math.max(...ys, 1e-9));
  const yMax = Math.ceil((Math.max(...ys, 0) * 1.1) / step) * step || step;
  const ticks = Array.from({ length: Math.round(yMax / step) + 1 }, (_, i) => i * step);
  return { at: (y) => y / yMax, ticks };
}

/**
 * One chart as a standalone SVG: a log-scale x axis (the sizes 1, 10, 100, 1,000 sit evenly apart)
 * ticked at every measured x, a y axis from 0 (or log-scale, ticked at powers of ten), each series a
 * labelled polyline, and a legend.
 */
export function renderChart(spec: ChartSpec): string {
  const points = spec.series.flatMap((s) => s.points).filter((p) => p.x > 0 && Number.isFinite(p.y));
  const xs = [...new Set(points.map((p) => p.x))].sort((a, b) => a - b);
  const lo = Math.log10(xs[0] ?? 1);
  const hi = Math.log10(xs[xs.length - 1] ?? 10);
  const span = hi - lo || 1;
  const yScale = spec.yScale ?? "linear";
  const y = yAxis(
    points.map((p) => p.y),
    yScale,
  );
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const px = (x: number) => M.left + ((Math.log10(x) - lo) / span) * plotW;
  const py = (v: number) => M.top + plotH - y.at(v) * plotH;

  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11" role="img">`,
    // the chart's accessible name, for screen readers and for a page that shows it as an image
    `<title>${esc(spec.title)}</title>`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="14">${esc(spec.title)}</text>`,
  ];
  for (const tick of y.ticks) {
    out.push(
      `<line x1="${M.left}" x2="${M.left + plotW}" y1="${py(tick)}" y2="${py(tick)}" stroke="#ddd"/>`,
      `<text x="${M.left - 6}" y="${py(tick) + 4}" text-anchor="end">${label(tick)}</text>`,
    );
  }
  for (const x of xs) {
    out.push(
      `<line x1="${px(x)}" x2="${px(x)}" y1="${M.top}" y2="${M.top + plotH}" stroke="#eee"/>`,
      `<text x="${px(x)}" y="${M.top + plotH + 16}" text-anchor="middle">${label(x)}</text>`,
    );
  }
  out.push(
    `<line x1="${M.left}" x2="${M.left + plotW}" y1="${M.top + plotH}" y2="${M.top + plotH}" stroke="black"/>`,
    `<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${M.top + plotH}" stroke="black"/>`,
    `<text x="${M.left + plotW / 2}" y="${H - 14}" text-anchor="middle">${esc(spec.xLabel)} (log scale)</text>`,
    `<text transform="translate(18 ${M.top + plotH / 2}) rotate(-90)" text-anchor="middle">${esc(spec.yLabel)}${yScale === "log" ? " (log scale)" : ""}</text>`,
  );
  spec.series.forEach((series, i) => {
    const color = COLORS[i % COLORS.length];
    const shown = series.points.filter((p) => p.x > 0 && Number.isFinite(p.y));
    const path = shown.map((p) => `${px(p.x).toFixed(1)},${py(p.y).toFixed(1)}`).join(" ");
    out.push(`<polyline points="${path}" fill="none" stroke="${color}" stroke-width="2"/>`);
    for (const p of shown) {
      out.push(
        `<circle cx="${px(p.x)}" cy="${py(p.y)}" r="3.5" fill="${color}"/>`,
        `<text x="${px(p.x) + 5}" y="${py(p.y) - 6}" fill="${color}">${label(p.y)}</text>`,
      );
    }
    const lx = M.left + i * 130;
    const ly = 40;
    out.push(
      `<line x1="${lx}" x2="${lx + 20}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"/>`,
      `<text x="${lx + 24}" y="${ly + 4}">${esc(series.name)}</text>`,
    );
  });
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}
