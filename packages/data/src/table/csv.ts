/**
 * CSV text to a Table of string cells, through Papa Parse (RFC 4180 quoting, quoted line
 * breaks) in csv_reader.ts. Cells stay strings here; column types are decided later (columns.ts), so that
 * every error can still name the file, the row, its line and the column.
 */
import { filePrefix, maybeGunzip } from '../bytes.js';
import { splitIndices, type Dataset } from '../dataset.js';
import type { RandomOptions } from '../random.js';
import { CsvReader, type CsvReaderOptions, type ParsedCsv } from './csv_reader.js';

export interface CsvOptions extends CsvReaderOptions {
  /** The most bytes gzipped data may unzip to (default 1 GiB; parseCsvBytes, which holds them at once). */
  maxBytes?: number;
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
  const reader = new CsvReader(options);
  reader.pushText(text);
  return toTable(reader.end(), options.file);
}

/**
 * Parses CSV bytes, gzipped or not (gzip is recognised by its magic bytes): UTF-8, or UTF-16
 * with its byte-order mark. Invalid UTF-8 is an error naming the row, not U+FFFD.
 */
export function parseCsvBytes(bytes: Uint8Array, options: CsvOptions = {}): Table {
  const data = maybeGunzip(bytes, options);
  const reader = new CsvReader(options);
  const slice = 1 << 20; // decoded a megabyte at a time, so the text never exists whole
  for (let at = 0; at < data.length; at += slice) reader.pushBytes(data.subarray(at, at + slice));
  return toTable(reader.end(), options.file);
}

/** A WHATWG ReadableStream of bytes (fetch's body), which not every browser lets `for await` walk. */
export interface ByteStream {
  getReader(): { read(): Promise<{ done: boolean; value?: Uint8Array }>; releaseLock(): void };
}

/**
 * Parses CSV arriving in chunks (a file or fetch stream, gzip already undone), holding only
 * the parsed cells and one partial row: readCsvFile in '@nn/data/node' reads files this way.
 *   const table = await parseCsvStream((await fetch(url)).body!, { file: url });
 */
export async function parseCsvStream(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array> | ByteStream, options: CsvReaderOptions = {}): Promise<Table> {
  const reader = new CsvReader(options);
  if ('getReader' in chunks) {
    const stream = chunks.getReader();
    try {
      for (let next = await stream.read(); !next.done; next = await stream.read()) if (next.value) reader.pushBytes(next.value);
    } finally {
      stream.releaseLock();
    }
  } else {
    for await (const chunk of chunks) reader.pushBytes(chunk);
  }
  return toTable(reader.end(), options.file);
}

/** A Table of a reader's rows, numbered 1, 2, ... */
function toTable(parsed: ParsedCsv, file?: string): Table {
  const rowNumbers = new Array<number>(parsed.rows.length);
  for (let i = 0; i < rowNumbers.length; i++) rowNumbers[i] = i + 1;
  return new Table(parsed.columns, parsed.rows, rowNumbers, parsed.lines, file);
}

/**
 * Splits a table's rows at random into parts of the given fractions or lengths, as
 * randomSplit does for datasets (same seed, same split).
 *   const [train, test] = splitTable(table, [0.8, 0.2], { seed: 42 });
 */
export function splitTable(table: Table, lengths: readonly number[], options: RandomOptions = {}): Table[] {
  return splitIndices(table.length, lengths, options).map((indices) => table.take(indices));
}
