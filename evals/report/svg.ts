// A small hand-rolled horizontal bar chart (values in [0, 1]) as a standalone SVG document:
// one group of bars per dataset, one bar per series (e.g. hybrid search vs BM25).

export interface ChartGroup {
  label: string;
  /** One value per series, in series order; null = not measured (no bar). */
  values: Array<number | null>;
}

export interface Chart {
  title: string;
  series: string[];
  groups: ChartGroup[];
}

const COLORS = ["#2f6fdf", "#9aa5b1", "#e0803a", "#3a9e5c"];
const LABEL_WIDTH = 170;
const BAR_WIDTH = 300;
const BAR_HEIGHT = 14;
const GAP = 8;

const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export function barChartSvg(chart: Chart): string {
  const legendHeight = chart.series.length > 1 ? 18 : 0;
  const top = 24 + legendHeight;
  const groupHeight = chart.series.length * BAR_HEIGHT + GAP;
  const height = top + chart.groups.length * groupHeight + 20;
  const width = LABEL_WIDTH + BAR_WIDTH + 60;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="4" y="15" font-size="13" font-weight="bold">${escape(chart.title)}</text>`,
  ];
  if (legendHeight) {
    chart.series.forEach((name, s) => {
      const x = LABEL_WIDTH + s * 110;
      parts.push(`<rect x="${x}" y="22" width="10" height="10" fill="${COLORS[s % COLORS.length]}"/>`, `<text x="${x + 14}" y="31">${escape(name)}</text>`);
    });
  }
  // Gridlines at 0, 0.25 … 1 so bars can be read without their numbers.
  for (let i = 0; i <= 4; i++) {
    const x = LABEL_WIDTH + (BAR_WIDTH * i) / 4;
    parts.push(`<line x1="${x}" y1="${top - 4}" x2="${x}" y2="${height - 16}" stroke="#e3e6ea"/>`, `<text x="${x}" y="${height - 4}" text-anchor="middle" fill="#666">${i / 4}</text>`);
  }
  chart.groups.forEach((group, g) => {
    const y0 = top + g * groupHeight;
    parts.push(`<text x="${LABEL_WIDTH - 6}" y="${y0 + (chart.series.length * BAR_HEIGHT) / 2 + 4}" text-anchor="end">${escape(group.label)}</text>`);
    group.values.forEach((v, s) => {
      if (v === null) return;
      const y = y0 + s * BAR_HEIGHT;
      const w = Math.max(0, Math.min(1, v)) * BAR_WIDTH;
      parts.push(
        `<rect x="${LABEL_WIDTH}" y="${y}" width="${w.toFixed(1)}" height="${BAR_HEIGHT - 2}" fill="${COLORS[s % COLORS.length]}"/>`,
        `<text x="${(LABEL_WIDTH + w + 4).toFixed(1)}" y="${y + BAR_HEIGHT - 4}">${v.toFixed(3)}</text>`,
      );
    });
  });
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}
