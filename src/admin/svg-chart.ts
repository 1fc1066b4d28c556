export interface BarPoint {
  label: string;
  value: number;
}

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * A bar chart as inline SVG, drawn on the server (no script, no inline styles: the CSP
 * allows neither). Each bar has a <title> so the value is available on hover and to
 * screen readers; the chart as a whole is labelled by `title`.
 */
export function barChartSvg(opts: {
  title: string;
  points: BarPoint[];
  width?: number;
  height?: number;
}): string {
  const width = opts.width ?? 720;
  const height = opts.height ?? 200;
  const pad = { top: 16, right: 8, bottom: 28, left: 48 };
  const innerW = width - pad.left - pad.right;
  const innerH = height - pad.top - pad.bottom;
  const max = Math.max(1, ...opts.points.map((p) => p.value));
  const step = innerW / Math.max(1, opts.points.length);
  const barW = Math.max(1, step * 0.8);
  const bars = opts.points
    .map((p, i) => {
      const h = (p.value / max) * innerH;
      const x = pad.left + i * step + (step - barW) / 2;
      const y = pad.top + innerH - h;
      return `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}" fill="#0b6e69"><title>${esc(p.label)}: ${p.value}</title></rect>`;
    })
    .join('');
  const first = opts.points[0]?.label ?? '';
  const last = opts.points.at(-1)?.label ?? '';
  const axis = `<line x1="${pad.left}" y1="${pad.top + innerH}" x2="${width - pad.right}" y2="${pad.top + innerH}" stroke="#8a9a9c"/>`;
  const labels =
    `<text x="${pad.left - 6}" y="${pad.top + 4}" text-anchor="end" font-size="11" fill="#4a5a5c">${max}</text>` +
    `<text x="${pad.left - 6}" y="${pad.top + innerH}" text-anchor="end" font-size="11" fill="#4a5a5c">0</text>` +
    `<text x="${pad.left}" y="${height - 8}" font-size="11" fill="#4a5a5c">${esc(first)}</text>` +
    `<text x="${width - pad.right}" y="${height - 8}" text-anchor="end" font-size="11" fill="#4a5a5c">${esc(last)}</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="${esc(opts.title)}"><title>${esc(opts.title)}</title>${axis}${bars}${labels}</svg>`;
}
