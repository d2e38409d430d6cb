/**
 * CSV a chunk at a time, so that memory follows the parsed cells, not the file's text: bytes
 * go through a strict decoder (text_decoder.ts), text through Papa Parse's core parser, which
 * stops before a row it has not seen the end of; that partial row waits for the next chunk.
 * Browser-safe: readCsvFile feeds it from a file stream, parseCsv and parseCsvBytes at once.
 */
import Papa from 'papaparse';
import { filePrefix } from '../bytes.js';
import { InvalidText, StrictTextDecoder } from './text_decoder.js';

export interface CsvReaderOptions {
  /** The file name that errors mention (readCsvFile in '@nn/data/node' sets it). */
  file?: string;
  /** Field separator (default ','); '' detects it from the text. */
  delimiter?: string;
  /** Strip spaces around cells (default true): 'WD ' and 'WD' are one category. */
  trim?: boolean;
  /**
   * The most JavaScript heap the parsed cells may take, in bytes, estimated as they arrive
   * (readCsvFile: 3/4 of the heap that is free when it starts; otherwise no cap). A file past
   * it is an error naming the file, not a crash once the heap is full.
   */
  maxTableBytes?: number;
}

/** What a reader returns: the header, the data rows and the line each starts on (1-based). */
export interface ParsedCsv {
  columns: string[];
  rows: string[][];
  lines: number[];
}

/** V8's arrays cannot grow past about 112 M elements (and then abort the process): the rows stay below. */
export const MAX_CSV_ROWS = 100_000_000;

/** A partial row longer than this is an unclosed quote or not a CSV (a JS string holds 2^29 characters). */
const MAX_ROW_CHARS = 2 ** 27;

/** Text parsed at a time; a longer partial row raises it, so a long row is not parsed again and again. */
const CHUNK_CHARS = 1 << 20;

/** V8 keeps a substring of 13 or more characters as a view of the string it came from: copy such cells, so a cell does not hold a whole chunk alive. */
const ownCopy = (cell: string): string => (cell.length < 13 ? cell : (' ' + cell).slice(1));

/** Distinct cells remembered per column: a category repeated a million times is one string, not a million. */
const MAX_DISTINCT = 4096;

/** Estimated heap bytes of a row without its cells (the array, its entries in rows and lines), and of a cell's own string. */
const ROW_BYTES = 96;
const stringBytes = (cell: string): number => (cell.length < 13 ? 24 + cell.length : 56 + cell.length);

export class CsvReader {
  private readonly at: string;
  private readonly trim: boolean;
  private readonly maxTableBytes: number;
  private readonly decoder = new StrictTextDecoder();
  private parser: Papa.Parser | undefined;
  /** What lines are counted by: '\n' (also for '\r\n' files, and inside quoted cells), '\r' in old Mac files. */
  private lineBreak = '\n';

  /** Text not parsed yet (a partial row, then what came after it), and its offset in the whole text. */
  private pending = '';
  private base = 0;
  /** Length of the partial row the last parse left. */
  private partial = 0;
  /** Line breaks are counted up to this offset; `line` is the line there. */
  private scanned = 0;
  private line = 1;
  private tableBytes = 0;
  private started = false;

  private header: string[] | undefined;
  private headerLine = 1;
  private readonly rows: string[][] = [];
  private readonly distinct: Map<string, string>[] = [];
  private readonly lines: number[] = [];

  constructor(private readonly options: CsvReaderOptions = {}) {
    this.at = filePrefix(options.file);
    this.trim = options.trim ?? true;
    this.maxTableBytes = options.maxTableBytes ?? Infinity;
    if (!(this.maxTableBytes > 0)) throw new Error(`${this.at}maxTableBytes must be a positive number, got ${this.maxTableBytes}`);
  }

  /** The next bytes of the file (UTF-8, or UTF-16 with its BOM); `final` on the last ones. */
  pushBytes(bytes: Uint8Array, final = false): void {
    let text: string;
    try {
      text = this.decoder.decode(bytes, final);
    } catch (error) {
      if (!(error instanceof InvalidText)) throw error;
      this.pushText(error.text);
      this.parse(false);
      const line = this.line + count(this.pending, this.scanned - this.base, this.pending.length, this.lineBreak);
      const where = this.header === undefined ? `the header (line ${line})` : `row ${this.rows.length + 1} (line ${line})`;
      const shown = Array.from(error.bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
      const hint =
        error.encoding === 'utf-8'
          ? `the file is not UTF-8 (Latin-1 or Windows-1252?): convert it, e.g. iconv -f latin1 -t utf-8 in.csv > out.csv`
          : `the ${error.encoding.toUpperCase()} text is damaged`;
      throw new Error(`${this.at}${where}: invalid ${error.encoding.toUpperCase()} bytes ${shown} at byte ${error.offset}; ${hint}`);
    }
    this.pushText(text);
  }

  /** The next text of the file. */
  pushText(text: string): void {
    if (!this.started) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a byte-order mark left in a string
    }
    this.pending += text;
    // Parse when the new text is at least as long as the partial row it follows: linear time for long rows too.
    if (this.pending.length >= Math.max(CHUNK_CHARS, 2 * this.partial)) this.parse(false);
  }

  /** The whole file has been pushed: the table's parts. */
  end(): ParsedCsv {
    this.pushBytes(new Uint8Array(0), true);
    this.parse(true);
    const at = this.at;
    if (this.header === undefined) throw new Error(`${at}the file is empty; expected a header row of column names, then data rows`);
    if (this.rows.length === 0) throw new Error(`${at}no data rows after the header (line ${this.headerLine}); expected at least one row`);
    this.distinct.length = 0;
    return { columns: this.header, rows: this.rows, lines: this.lines };
  }

  /** Parses the pending text up to its last complete row (all of it when `final`). */
  private parse(final: boolean): void {
    if (this.pending === '') return;
    const parser = this.parser ?? this.start();
    const text = this.pending;
    const result = parser.parse(text, this.base, !final) as Papa.ParseResult<string[]>;
    const done = result.meta.cursor - this.base;
    this.pending = final ? '' : text.slice(done);
    this.base = final ? this.base + text.length : result.meta.cursor;
    this.partial = this.pending.length;
    if (this.pending.length > MAX_ROW_CHARS) {
      throw new Error(
        `${this.at}${this.header === undefined ? 'the header' : `row ${this.rows.length + 1}`} (line ${this.line}) is over ${MAX_ROW_CHARS} characters long; ` +
          'an unclosed quote, or not a CSV file?',
      );
    }
  }

  /** The Papa Parse core, once the first text tells the line ending (and the delimiter, if asked to guess it). */
  private start(): Papa.Parser {
    const sample = Papa.parse<string[]>(this.pending.slice(0, CHUNK_CHARS), { delimiter: this.options.delimiter ?? ',', preview: 1 });
    const newline = sample.meta.linebreak as '\n' | '\r' | '\r\n';
    this.lineBreak = newline === '\r' ? '\r' : '\n';
    this.parser = new Papa.Parser({
      delimiter: sample.meta.delimiter,
      newline,
      step: (result: Papa.ParseStepResult<string[]>) => this.step(result),
    });
    return this.parser;
  }

  /** One record: count the lines it spans, check it, keep it. */
  private step(result: Papa.ParseStepResult<string[]>): void {
    // The core's step hands over the rows parsed since the last step: one row.
    const record = (result.data as unknown as string[][])[0];
    const text = this.pending;
    const end = result.meta.cursor - this.base;
    // Blank space before the record (skipped empty lines) moves the line count on; the
    // record starts at the first other character, and its own line breaks follow it.
    let k = this.scanned - this.base;
    for (; k < end && /\s/.test(text[k]); k++) if (text[k] === this.lineBreak) this.line++;
    const start = this.line;
    this.line += count(text, k, end, this.lineBreak);
    this.scanned = result.meta.cursor;

    for (const e of result.errors) {
      if (e.type === 'Quotes') throw new Error(`${this.at}line ${start}: ${e.message.toLowerCase()} (a quote opened here is never closed)`);
    }
    if (record.every((cell) => cell.trim() === '')) return; // a blank line
    let bytes = ROW_BYTES;
    const row = record.map((raw, k) => {
      const cell = this.trim ? raw.trim() : raw;
      bytes += 8;
      if (cell.length <= 1) return cell; // V8 shares one-character strings already
      const seen = (this.distinct[k] ??= new Map());
      const known = seen.get(cell);
      if (known !== undefined) return known;
      const own = ownCopy(cell);
      bytes += stringBytes(own);
      if (seen.size < MAX_DISTINCT) seen.set(own, own);
      return own;
    });
    if (this.header === undefined) {
      this.setHeader(row, start);
      return;
    }
    if (row.length !== this.header.length) {
      throw new Error(
        `${this.at}row ${this.rows.length + 1} (line ${start}) has ${row.length} field${row.length === 1 ? '' : 's'}, expected ${this.header.length} as in the header`,
      );
    }
    if (this.rows.length === MAX_CSV_ROWS) {
      throw new Error(`${this.at}more than ${MAX_CSV_ROWS} data rows (line ${start}); a Table holds at most that many: split the file`);
    }
    this.tableBytes += bytes;
    if (this.tableBytes > this.maxTableBytes) {
      throw new Error(
        `${this.at}row ${this.rows.length + 1} (line ${start}): the parsed rows would take more than maxTableBytes = ${this.maxTableBytes} bytes of JavaScript heap; ` +
          'the file is too large to hold in memory: split it, or raise the cap with { maxTableBytes } and the heap with node --max-old-space-size=MB',
      );
    }
    this.rows.push(row);
    this.lines.push(start);
  }

  private setHeader(header: string[], line: number): void {
    const seen = new Map<string, number>();
    header.forEach((name, k) => {
      const earlier = seen.get(name);
      if (earlier !== undefined) throw new Error(`${this.at}column '${name}' appears twice in the header (fields ${earlier + 1} and ${k + 1})`);
      seen.set(name, k);
    });
    this.header = header;
    this.headerLine = line;
  }
}

/** Line breaks (one character) in text[from, to). */
function count(text: string, from: number, to: number, lineBreak: string): number {
  let n = 0;
  for (let k = text.indexOf(lineBreak, from); k !== -1 && k < to; k = text.indexOf(lineBreak, k + 1)) n++;
  return n;
}
