/**
 * Your own points: CSV text with one point a row, `x1, x2, label` (classification: label
 * ±1, or 0/1 for −1/+1) or `x1, x2, value` (regression). A header row is allowed. Bad rows
 * are reported one line each, naming the line and what was wrong; good rows are kept.
 */
import type { Problem } from './config.js';
import { DOMAIN } from './features.js';
import type { Point } from './datasets.js';

export interface CsvResult {
  points: Point[];
  problem: Problem;
  errors: string[];
}

/** Most rows read: the page trains on every point each epoch. */
export const MAX_ROWS = 5000;

export function parseCsv(text: string): CsvResult {
  const points: Point[] = [];
  const errors: string[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    const at = `line ${i + 1}`;
    if (line === '' || line.startsWith('#')) return;
    const cells = line.split(/[,;\t]/).map((c) => c.trim());
    if (i === 0 && cells.some((c) => c !== '' && !Number.isFinite(Number(c)))) return; // header
    if (cells.length !== 3) {
      errors.push(`${at}: expected 3 values (x1, x2, label), got ${cells.length}`);
      return;
    }
    const values = cells.map(Number);
    const bad = cells.findIndex((c, k) => c === '' || !Number.isFinite(values[k]));
    if (bad >= 0) {
      errors.push(`${at}: ${['x1', 'x2', 'label'][bad]} '${cells[bad]}' is not a number`);
      return;
    }
    const [x, y, label] = values;
    if (Math.abs(x) > DOMAIN || Math.abs(y) > DOMAIN) {
      errors.push(`${at}: point (${x}, ${y}) lies outside the plane [-${DOMAIN}, ${DOMAIN}]²`);
      return;
    }
    if (points.length >= MAX_ROWS) {
      errors.push(`${at}: more than ${MAX_ROWS} points; the rest is ignored`);
      return;
    }
    points.push({ x, y, label });
  });
  if (points.length === 0 && errors.length === 0) errors.push('no points: the file has no rows of x1, x2, label');
  const classification = points.length > 0 && points.every((p) => p.label === 1 || p.label === -1 || p.label === 0);
  if (classification) for (const p of points) if (p.label === 0) p.label = -1;
  return { points, problem: classification ? 'classification' : 'regression', errors };
}
