/**
 * CSV text to a Table of string cells, through Papa Parse (RFC 4180 quoting, quoted line
 * breaks). Cells stay strings here; column types are decided later (columns.ts), so that
 * every error can still name the file, the row, its line and the column.
 */
import Papa from 'papaparse';
import { filePrefix, maybeGunzip } from '../bytes.js';
import { splitIndices, type Dataset } from '../dataset.js';
import type { RandomOptions } from '../random.js';

export interface CsvOptions {
  /** The file name that errors mention (readCsvFile in '@nn/data/node' sets it). */
  file?: string;
  /** Field separator (default ','); '' detects it from the text. */
  delimiter?: string;
  /** Strip spaces around cells (default true): 'WD ' and 'WD' are one category. */
  trim?: boolean;
}

/**
 * A parsed CSV: a header of column names and rows of string cells. It is a Dataset of rows
 * (objects keyed by column name), so randomSplit works on it; `take` keeps a Table.
 */
export class Table implements Dataset<Record<string, string>> {
  /**
   * @param rowNumbers each row's number among the file's data rows (1-based), for errors
   * @param lines each row's line in the file (1-based; the header is line 1), for errors
   */
  constructor(
    readonly columns: readonly string[],
    readonly rows: readonly (readonly string[])[],
    readonly rowNumbers: readonly number[],
    readonly lines: readonly number[],
    readonly file?: string,
  ) {}

  get length(): number {
    return this.rows.length;
  }

  get(index: number): Record<string, string> {
    const row = this.rows[index];
    if (row === undefined) throw new Error(`${filePrefix(this.file)}row index ${index} is out of range for ${this.rows.length} rows`);
    return Object.fromEntries(this.columns.map((c, k) => [c, row[k]]));
  }

  /** Position of a column, or an error listing the columns there are. */
  columnIndex(name: string, role = 'column'): number {
    const k = this.columns.indexOf(name);
    if (k < 0) {
      const shown = this.columns.length > 30 ? `${this.columns.slice(0, 30).join(', ')}, ... (${this.columns.length} in all)` : this.columns.join(', ');
      throw new Error(`${filePrefix(this.file)}${role} '${name}' not found; the columns are: ${shown}`);
    }
    return k;
  }

  hasColumn(name: string): boolean {
    return this.columns.includes(name);
  }

  /** The cells of one column. */
  column(name: string): string[] {
    const k = this.columnIndex(name);
    return this.rows.map((row) => row[k]);
  }

  /** The rows at `indices`, in that order (they keep their row and line numbers). */
  take(indices: readonly number[]): Table {
    for (const i of indices) {
      if (!Number.isInteger(i) || i < 0 || i >= this.rows.length) {
        throw new Error(`${filePrefix(this.file)}row index ${i} is out of range for ${this.rows.length} rows`);
      }
    }
    return new Table(
      this.columns,
      indices.map((i) => this.rows[i]),
      indices.map((i) => this.rowNumbers[i]),
      indices.map((i) => this.lines[i]),
      this.file,
    );
  }

  /** "file: row 12 (line 13)", for error messages about row `index`. */
  where(index: number): string {
    return `${filePrefix(this.file)}row ${this.rowNumbers[index]} (line ${this.lines[index]})`;
  }
}

/**
 * Parses CSV text with a header row.
 *   const table = parseCsv(text, { file: 'ames.csv' });
 * Throws, naming the file and line, on an empty file, a header without data rows, a
 * duplicate column name, a row whose field count differs from the header's, or an
 * unterminated quote.
 */
export function parseCsv(text: string, options: CsvOptions = {}): Table {
  const file = options.file;
  const at = filePrefix(file);
  const trim = options.trim ?? true;
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text; // byte-order mark
  if (source.trim() === '') throw new Error(`${at}the file is empty; expected a header row of column names, then data rows`);

  const records: string[][] = [];
  const lines: number[] = [];
  const problems: string[] = [];
  let scanned = 0;
  let line = 1;
  Papa.parse<string[]>(source, {
    delimiter: options.delimiter ?? ',',
    skipEmptyLines: 'greedy',
    step(result) {
      // Blank space before the record (skipped empty lines) moves the line count on; the
      // record starts at the first other character, and its own line breaks follow it.
      const end = result.meta.cursor;
      for (; scanned < end && /\s/.test(source[scanned]); scanned++) if (source.charCodeAt(scanned) === 10) line++;
      const start = line;
      for (; scanned < end; scanned++) if (source.charCodeAt(scanned) === 10) line++;
      records.push(trim ? result.data.map((c) => c.trim()) : result.data);
      lines.push(start);
      for (const e of result.errors) {
        if (e.type === 'Quotes') problems.push(`${at}line ${start}: ${e.message.toLowerCase()} (a quote opened here is never closed)`);
      }
    },
  });
  if (problems.length > 0) throw new Error(problems[0]);

  const header = records[0];
  const seen = new Map<string, number>();
  header.forEach((name, k) => {
    const earlier = seen.get(name);
    if (earlier !== undefined) throw new Error(`${at}column '${name}' appears twice in the header (fields ${earlier + 1} and ${k + 1})`);
    seen.set(name, k);
  });
  if (records.length === 1) throw new Error(`${at}no data rows after the header (line ${lines[0]}); expected at least one row`);

  const rows = records.slice(1);
  rows.forEach((row, i) => {
    if (row.length !== header.length) {
      throw new Error(
        `${at}row ${i + 1} (line ${lines[i + 1]}) has ${row.length} field${row.length === 1 ? '' : 's'}, expected ${header.length} as in the header`,
      );
    }
  });
  return new Table(
    header,
    rows,
    rows.map((_, i) => i + 1),
    lines.slice(1),
    file,
  );
}

/** Parses CSV bytes: UTF-8, gzipped or not (gzip is recognised by its magic bytes). */
export function parseCsvBytes(bytes: Uint8Array, options: CsvOptions = {}): Table {
  return parseCsv(new TextDecoder('utf-8').decode(maybeGunzip(bytes, options.file)), options);
}

/**
 * Splits a table's rows at random into parts of the given fractions or lengths, as
 * randomSplit does for datasets (same seed, same split).
 *   const [train, test] = splitTable(table, [0.8, 0.2], { seed: 42 });
 */
export function splitTable(table: Table, lengths: readonly number[], options: RandomOptions = {}): Table[] {
  return splitIndices(table.length, lengths, options).map((indices) => table.take(indices));
}
