import { h, type SafeHtml } from './safe-html.js';

export interface Card {
  label: string;
  value: number | string;
  /** `data-testid` of the value, so tests and scrapers find it. */
  id?: string;
  hint?: string;
  /** Digits after the point for numbers (default 0). */
  digits?: number;
}

export function formatNumber(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return '–';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function formatPercent(share: number, digits = 1): string {
  return Number.isFinite(share) ? `${(100 * share).toFixed(digits)}%` : '–';
}

export function cards(items: readonly Card[]): SafeHtml {
  return h`<div class="cards">${items.map(
    (card) =>
      h`<div class="card"><div class="label">${card.label}</div><div class="value" data-testid="${card.id ?? null}" data-value="${typeof card.value === 'number' ? String(card.value) : null}">${
        typeof card.value === 'number' ? formatNumber(card.value, card.digits) : card.value
      }</div>${card.hint === undefined ? '' : h`<div class="hint">${card.hint}</div>`}</div>`,
  )}</div>`;
}

export type Cell = string | number | SafeHtml | undefined;

export function table(
  columns: readonly string[],
  rows: readonly (readonly Cell[])[],
  options: { id?: string; empty?: string } = {},
): SafeHtml {
  if (rows.length === 0) return notice(options.empty ?? 'Nothing to show.');
  return h`<table data-testid="${options.id ?? null}"><thead><tr>${columns.map((column) => h`<th>${column}</th>`)}</tr></thead><tbody>${rows.map(
    (row) =>
      h`<tr>${row.map((cell) => (typeof cell === 'number' ? h`<td class="number">${formatNumber(cell, Number.isInteger(cell) ? 0 : 3)}</td>` : h`<td>${cell ?? '–'}</td>`))}</tr>`,
  )}</tbody></table>`;
}

/**
 * An echarts chart: the option and the height travel in attributes; the client
 * script sizes and draws it (no style attribute: the pages' Content-Security-Policy
 * allows no inline style).
 */
export function chart(option: object, options: { id?: string; height?: number } = {}): SafeHtml {
  return h`<div class="chart" data-testid="${options.id ?? null}" data-height="${options.height ?? 300}" data-option="${JSON.stringify(option)}"></div>`;
}

/** A clear statement that a figure is missing, and why. */
export function notice(text: string, id?: string): SafeHtml {
  return h`<p class="notice" data-testid="${id ?? null}">${text}</p>`;
}

export function section(title: string, ...body: SafeHtml[]): SafeHtml {
  return h`<section><h2>${title}</h2>${body}</section>`;
}

/** A value with its interval, e.g. `3,256 [3,185, 3,328]`. */
export function withInterval(
  interval: { value: number; low: number; high: number },
  digits = 0,
  scale = 1,
): string {
  const format = (value: number) => formatNumber(value * scale, digits);
  return `${format(interval.value)} [${format(interval.low)}, ${format(interval.high)}]`;
}
