import type { ScaleJson } from './scale-report.js';

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * docs/scale-fronts.svg: one panel per catalogue size, quality (y) against CPU
 * ms per request (x, log scale), every measured point faint and each
 * pipeline's front as a line, its best point ringed. Hand-written SVG: no
 * plotting dependency for one static figure.
 */
export function frontsSvg(json: ScaleJson): string {
  const panelWidth = 300;
  const panelHeight = 240;
  const margin = { left: 52, right: 12, top: 28, bottom: 40 };
  const sizes = json.sizes;
  const width = Math.max(2, sizes.length) * panelWidth; // room for the legend
  const height = panelHeight + 30;
  const colours = { cascade: '#1f77b4', generative: '#d62728' } as const;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    '<title>Quality against CPU per request: cascade and generative fronts per catalogue size</title>',
    `<rect width="${width}" height="${height}" fill="white"/>`,
  ];
  sizes.forEach((size, panel) => {
    const x0 = panel * panelWidth + margin.left;
    const plotWidth = panelWidth - margin.left - margin.right;
    const plotHeight = panelHeight - margin.top - margin.bottom;
    const y0 = margin.top;
    const all = [...size.cascade.points, ...size.generative.points];
    const cpus = all.map((point) => Math.max(point.cpuMsPerRequest, 1e-3));
    const lowX = Math.log10(Math.min(...cpus)) - 0.1;
    const highX = Math.log10(Math.max(...cpus)) + 0.1;
    const qualities = [...all.map((point) => point.quality), size.reference.randomQuality];
    const lowY = Math.min(...qualities) - 0.01;
    const highY = Math.max(...qualities) + 0.01;
    const px = (cpu: number) =>
      x0 + ((Math.log10(Math.max(cpu, 1e-3)) - lowX) / (highX - lowX || 1)) * plotWidth;
    const py = (quality: number) => y0 + plotHeight - ((quality - lowY) / (highY - lowY || 1)) * plotHeight;
    parts.push(
      `<text x="${x0 + plotWidth / 2}" y="16" text-anchor="middle" font-weight="bold">${size.items.toLocaleString('en-US')} videos</text>`,
      `<rect x="${x0}" y="${y0}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#999"/>`,
    );
    for (let decade = Math.ceil(lowX); decade <= Math.floor(highX); decade++) {
      const x = px(10 ** decade).toFixed(1);
      parts.push(
        `<line x1="${x}" y1="${y0}" x2="${x}" y2="${y0 + plotHeight}" stroke="#eee"/>`,
        `<text x="${x}" y="${y0 + plotHeight + 14}" text-anchor="middle">${10 ** decade}</text>`,
      );
    }
    for (const quality of [lowY, (lowY + highY) / 2, highY]) {
      parts.push(`<text x="${x0 - 4}" y="${py(quality) + 4}" text-anchor="end">${quality.toFixed(3)}</text>`);
    }
    const floor = py(size.reference.randomQuality);
    parts.push(
      `<line x1="${x0}" y1="${floor}" x2="${x0 + plotWidth}" y2="${floor}" stroke="#aaa" stroke-dasharray="3,3"/>`,
      `<text x="${x0 + plotWidth - 2}" y="${floor - 3}" text-anchor="end" fill="#888">random feed</text>`,
      `<text x="${x0 + plotWidth / 2}" y="${y0 + plotHeight + 30}" text-anchor="middle">CPU ms per request (log)</text>`,
    );
    if (panel === 0)
      parts.push(
        `<text transform="translate(12 ${y0 + plotHeight / 2}) rotate(-90)" text-anchor="middle">quality (mean hidden satisfaction)</text>`,
      );
    for (const pipeline of ['cascade', 'generative'] as const) {
      const colour = colours[pipeline];
      for (const point of size[pipeline].points)
        parts.push(
          `<circle cx="${px(point.cpuMsPerRequest).toFixed(1)}" cy="${py(point.quality).toFixed(1)}" r="2.5" fill="${colour}" fill-opacity="0.3"><title>${escapeXml(`${pipeline}: ${point.label}`)}</title></circle>`,
        );
      const line = size[pipeline].front
        .map((point) => `${px(point.cpuMsPerRequest).toFixed(1)},${py(point.quality).toFixed(1)}`)
        .join(' ');
      parts.push(`<polyline points="${line}" fill="none" stroke="${colour}" stroke-width="2"/>`);
      const best = size[pipeline].best;
      parts.push(
        `<circle cx="${px(best.cpuMsPerRequest).toFixed(1)}" cy="${py(best.quality).toFixed(1)}" r="5" fill="none" stroke="${colour}" stroke-width="2"><title>${escapeXml(`${pipeline} best: ${best.label}`)}</title></circle>`,
      );
    }
  });
  parts.push(
    `<text x="8" y="${height - 8}" fill="${colours.cascade}">— cascade front</text>`,
    `<text x="120" y="${height - 8}" fill="${colours.generative}">— generative front</text>`,
    `<text x="250" y="${height - 8}" fill="#555">ringed: best quality per CPU; faint: every knob setting (npm run bench:scale)</text>`,
    '</svg>',
  );
  return `${parts.join('\n')}\n`;
}
