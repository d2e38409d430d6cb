/** Reading cells: missing-value markers, strict number parsing, and column type inference. */
import { filePrefix } from '../bytes.js';
import type { Table } from './csv.js';

export type ColumnType = 'number' | 'category';

/** Cells that mean "no value" unless told otherwise (pandas' common markers and UCI's '?'). */
export const DEFAULT_MISSING: readonly string[] = ['', 'NA', 'N/A', 'NaN', 'nan', 'null', 'NULL', '?'];

// Plain decimal numbers with an optional exponent: no hex, no 'Infinity', no thousands separators.
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** The number a cell holds, or NaN if it holds none. */
export function parseNumber(cell: string): number {
  return NUMBER.test(cell) ? Number(cell) : NaN;
}

export function isMissing(cell: string, missing: readonly string[]): boolean {
  return missing.includes(cell);
}

/** A column inferred as numeric needs at least this share of its present cells to be numbers... */
const NUMERIC_SHARE = 0.9;

/**
 * number if every present (non-missing) cell is a number, category otherwise. A column
 * that is nearly all numbers with a few stray words is almost always a data error, so it
 * throws, naming the first stray cell, instead of silently becoming a category.
 */
export function inferColumnType(table: Table, column: string, missing: readonly string[] = DEFAULT_MISSING): ColumnType {
  const k = table.columnIndex(column);
  let present = 0;
  let numeric = 0;
  let firstStray = -1;
  table.rows.forEach((row, i) => {
    const cell = row[k];
    if (isMissing(cell, missing)) return;
    present++;
    if (Number.isFinite(parseNumber(cell))) numeric++;
    else if (firstStray < 0) firstStray = i;
  });
  if (present === 0 || numeric === 0) return 'category';
  if (numeric === present) return 'number';
  if (numeric / present >= NUMERIC_SHARE) {
    throw new Error(
      `${table.where(firstStray)}, column '${column}': '${table.rows[firstStray][k]}' is not a number, but ${numeric} of ` +
        `${present} values in this column are; fix the value, write it as missing (${missing.map((m) => `'${m}'`).join(', ')}), ` +
        `or declare the column with types: { '${column}': 'category' }`,
    );
  }
  return 'category';
}

/** The type of every column in `columns`, inferred unless `overrides` names it. */
export function inferColumnTypes(
  table: Table,
  columns: readonly string[] = table.columns,
  overrides: Readonly<Record<string, ColumnType>> = {},
  missing: readonly string[] = DEFAULT_MISSING,
): Record<string, ColumnType> {
  for (const [name, type] of Object.entries(overrides)) {
    table.columnIndex(name, 'type override for column');
    if (type !== 'number' && type !== 'category') {
      throw new Error(`${filePrefix(table.file)}type override for column '${name}' is '${String(type)}', expected 'number' or 'category'`);
    }
  }
  const types: Record<string, ColumnType> = {};
  for (const name of columns) types[name] = overrides[name] ?? inferColumnType(table, name, missing);
  return types;
}
