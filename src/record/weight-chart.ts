export interface WeightPoint {
  at: Date;
  kg: number;
}

const W = 640;
const H = 220;
const PAD = { left: 52, right: 16, top: 16, bottom: 36 };

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * A weight-over-time line chart as inline SVG, rendered on the server (no script needed).
 * `label` is the chart's accessible name; `formatDate` / `formatKg` follow the page locale.
 */
export function weightChartSvg(
  points: WeightPoint[],
  opts: { label: string; formatDate: (d: Date) => string; formatKg: (n: number) => string },
): string | null {
  if (!points.length) return null;
  const times = points.map((p) => p.at.getTime());
  const kgs = points.map((p) => p.kg);
  const [t0, t1] = [Math.min(...times), Math.max(...times)];
  const spread = Math.max(...kgs) - Math.min(...kgs);
  const margin = Math.max(spread * 0.15, 0.5);
  const [k0, k1] = [Math.max(0, Math.min(...kgs) - margin), Math.max(...kgs) + margin];
  const x = (t: number) =>
    PAD.left +
    (t1 === t0
      ? (W - PAD.left - PAD.right) / 2
      : ((t - t0) / (t1 - t0)) * (W - PAD.left - PAD.right));
  const y = (k: number) => PAD.top + (1 - (k - k0) / (k1 - k0)) * (H - PAD.top - PAD.bottom);
  const coords = points.map((p) => `${x(p.at.getTime()).toFixed(1)},${y(p.kg).toFixed(1)}`);
  const dots = points
    .map(
      (p, i) =>
        `<circle cx="${coords[i].split(',')[0]}" cy="${coords[i].split(',')[1]}" r="4"><title>${escapeXml(
          `${opts.formatDate(p.at)}: ${opts.formatKg(p.kg)} kg`,
        )}</title></circle>`,
    )
    .join('');
  const yTicks = [k0, (k0 + k1) / 2, k1]
    .map(
      (k) =>
        `<text x="${PAD.left - 6}" y="${y(k).toFixed(1)}" text-anchor="end" dominant-baseline="middle">${escapeXml(
          opts.formatKg(k),
        )}</text><line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(k).toFixed(1)}" y2="${y(k).toFixed(1)}" class="grid-line"/>`,
    )
    .join('');
  const xLabels = [
    `<text x="${PAD.left}" y="${H - 10}" text-anchor="start">${escapeXml(opts.formatDate(new Date(t0)))}</text>`,
    t1 !== t0
      ? `<text x="${W - PAD.right}" y="${H - 10}" text-anchor="end">${escapeXml(opts.formatDate(new Date(t1)))}</text>`
      : '',
  ].join('');
  return `<svg class="weight-chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeXml(opts.label)}" xmlns="http://www.w3.org/2000/svg">
<title>${escapeXml(opts.label)}</title>${yTicks}${xLabels}
<polyline points="${coords.join(' ')}" fill="none" class="weight-line"/>${dots}</svg>`;
}
