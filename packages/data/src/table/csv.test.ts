import { describe, expect, it } from 'vitest';
import { randomSplit } from '../dataset.js';
import { inferColumnType, inferColumnTypes, parseNumber } from './columns.js';
import { parseCsv, parseCsvBytes, parseCsvStream, splitTable } from './csv.js';

describe('parseCsv', () => {
  it('reads a header and rows, with quotes, quoted line breaks, CRLF, a BOM and blank lines', () => {
    const text = '\ufeffid,name,price\r\n1,"Smith, J",100\r\n\r\n2,"two\nlines",200.5\r\n3, spaced ,\r\n';
    const table = parseCsv(text, { file: 'houses.csv' });
    expect(table.columns).toEqual(['id', 'name', 'price']);
    expect(table.rows).toEqual([
      ['1', 'Smith, J', '100'],
      ['2', 'two\nlines', '200.5'],
      ['3', 'spaced', ''],
    ]);
    expect(table.lines).toEqual([2, 4, 6]);
    expect(table.where(2)).toBe('houses.csv: row 3 (line 6)');
    expect(table.get(0)).toEqual({ id: '1', name: 'Smith, J', price: '100' });
    expect(table.column('price')).toEqual(['100', '200.5', '']);
    const taken = table.take([2, 0]);
    expect(taken.column('id')).toEqual(['3', '1']);
    expect(taken.where(0)).toBe('houses.csv: row 3 (line 6)');
  });

  it('keeps spaces when asked and takes another delimiter', () => {
    const table = parseCsv('a;b\n x ;2\n', { delimiter: ';', trim: false });
    expect(table.rows).toEqual([[' x ', '2']]);
  });

  it('rejects an empty file, a header alone, a ragged row, a duplicate column and an open quote', () => {
    expect(() => parseCsv('', { file: 'empty.csv' })).toThrow(/^empty\.csv: the file is empty; expected a header row of column names, then data rows$/);
    expect(() => parseCsv(' \n\n', { file: 'blank.csv' })).toThrow(/blank\.csv: the file is empty/);
    expect(() => parseCsv('a,b\n', { file: 'head.csv' })).toThrow(/head\.csv: no data rows after the header \(line 1\)/);
    expect(() => parseCsv('a,b,c\n1,2,3\n4,5\n6,7,8\n', { file: 'ragged.csv' })).toThrow(
      /^ragged\.csv: row 2 \(line 3\) has 2 fields, expected 3 as in the header$/,
    );
    expect(() => parseCsv('a,b\n1,2,3\n')).toThrow(/^row 1 \(line 2\) has 3 fields, expected 2 as in the header$/);
    expect(() => parseCsv('a,b,a\n1,2,3\n', { file: 'dup.csv' })).toThrow(/dup\.csv: column 'a' appears twice in the header \(fields 1 and 3\)/);
    expect(() => parseCsv('a,b\n1,2\n3,"open\n', { file: 'quote.csv' })).toThrow(/quote\.csv: line 3: quoted field unterminated/);
  });

  it('names the columns there are when one is missing', () => {
    const table = parseCsv('a,b\n1,2\n', { file: 't.csv' });
    expect(() => table.column('c')).toThrow(/^t\.csv: column 'c' not found; the columns are: a, b$/);
  });

  it('splits like randomSplit with the same seed', () => {
    const table = parseCsv(['x', ...Array.from({ length: 20 }, (_, i) => String(i))].join('\n'));
    const [train, test] = splitTable(table, [0.75, 0.25], { seed: 5 });
    expect([train.length, test.length]).toEqual([15, 5]);
    const subsets = randomSplit(table, [0.75, 0.25], { seed: 5 });
    expect(test.column('x')).toEqual(subsets[1].indices.map(String));
  });
});

describe('column types', () => {
  const table = parseCsv(
    ['n,c,m,coded,mostly', ...Array.from({ length: 20 }, (_, i) => `${i * 1.5},${i % 2 ? 'x' : 'y'},${i % 3 ? i : 'NA'},${i % 4},${i === 7 ? 'oops' : i}`)].join('\n'),
    { file: 'types.csv' },
  );

  it('parses plain decimal numbers only', () => {
    expect(parseNumber('-1.5e3')).toBe(-1500);
    expect(parseNumber('.5')).toBe(0.5);
    for (const bad of ['', '0x10', 'Infinity', '1,000', '1.2.3', 'abc']) expect(parseNumber(bad)).toBeNaN();
  });

  it('infers numbers (missing cells allowed) and categories; overrides win', () => {
    expect(inferColumnTypes(table, ['n', 'c', 'm', 'coded'], { coded: 'category' })).toEqual({ n: 'number', c: 'category', m: 'number', coded: 'category' });
    expect(() => inferColumnTypes(table, ['n'], { nope: 'number' })).toThrow(/types\.csv: type override for column 'nope' not found/);
    expect(() => inferColumnTypes(table, ['n'], { n: 'int' as 'number' })).toThrow(/type override for column 'n' is 'int', expected 'number' or 'category'/);
  });

  it('refuses a numeric column with a stray word, naming row, line and column', () => {
    expect(() => inferColumnType(table, 'mostly')).toThrow(
      /^types\.csv: row 8 \(line 9\), column 'mostly': 'oops' is not a number, but 19 of 20 values in this column are; .*types: \{ 'mostly': 'category' \}$/,
    );
  });
});

describe('encodings', () => {
  const latin1 = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));
  const utf16 = (text: string, order: 'le' | 'be', bom = true): Uint8Array => {
    const units = (bom ? '\ufeff' : '') + text;
    const out = new Uint8Array(2 * units.length);
    for (let i = 0; i < units.length; i++) {
      const [lo, hi] = [units.charCodeAt(i) & 0xff, units.charCodeAt(i) >> 8];
      out.set(order === 'le' ? [lo, hi] : [hi, lo], 2 * i);
    }
    return out;
  };

  it('refuses invalid UTF-8 naming the row, instead of merging "Mé" and "Mè" into "M\ufffd"', () => {
    expect(() => parseCsvBytes(latin1('name,n\nM\xe9,1\nM\xe8,2\n'), { file: 'latin.csv' })).toThrow(
      /^latin\.csv: row 1 \(line 2\): invalid UTF-8 bytes e9 2c 31 0a at byte 8; the file is not UTF-8 \(Latin-1 or Windows-1252\?\): convert it, e\.g\. iconv -f latin1 -t utf-8/,
    );
    expect(() => parseCsvBytes(latin1('n\xe4me,n\n1,2\n'))).toThrow(/^the header \(line 1\): invalid UTF-8 bytes e4 6d 65 2c at byte 1/);
    expect(() => parseCsvBytes(latin1('a\n1\n2\n\xff'))).toThrow(/^row 3 \(line 4\): invalid UTF-8 bytes ff at byte 6/);
  });

  it('reads UTF-8 (BOM skipped) and UTF-16 LE and BE, with or without a BOM', () => {
    const text = 'name,n\r\nMé,1\r\nMè,2\r\n"日本, 語",3\r\n';
    const expected = [['Mé', '1'], ['Mè', '2'], ['日本, 語', '3']];
    expect(parseCsvBytes(Uint8Array.from([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(text)])).rows).toEqual(expected);
    for (const bytes of [utf16(text, 'le'), utf16(text, 'be'), utf16(text, 'le', false), utf16(text, 'be', false)]) {
      const table = parseCsvBytes(bytes, { file: 'wide.csv' });
      expect(table.columns).toEqual(['name', 'n']);
      expect(table.rows).toEqual(expected);
    }
  });

  it('names the row of a damaged UTF-16 file', () => {
    const bytes = utf16('a,b\n1,2\nx,\ud800\n', 'le'); // an unpaired surrogate
    expect(() => parseCsvBytes(bytes, { file: 'w.csv' })).toThrow(/^w\.csv: row 2 \(line 3\): invalid UTF-16LE bytes 00 d8/);
  });
});

describe('parseCsvStream', () => {
  /** Rows with a quoted line break, CRLF endings and two-byte characters: 3 MB in all. */
  const rows = 100_000;
  const text = ['id,note,who', ...Array.from({ length: rows }, (_, i) => `${i},"line\nbreak ${i}",Mé${i % 3}`)].join('\r\n') + '\r\n';
  const bytes = new TextEncoder().encode(text);
  /** The bytes in pieces of `size`, as a stream would hand them over. */
  const chunks = (data: Uint8Array, size: number): Uint8Array[] => Array.from({ length: Math.ceil(data.length / size) }, (_, k) => data.subarray(k * size, (k + 1) * size));

  it('gives the same table, lines and all, for any chunking', async () => {
    for (const size of [65_537, 1_000_003]) {
      const table = await parseCsvStream(chunks(bytes, size), { file: 'big.csv' });
      expect(table.length).toBe(rows);
      for (const i of [0, 1, 31_337, rows - 1]) {
        expect(table.rows[i]).toEqual([String(i), `line\nbreak ${i}`, `Mé${i % 3}`]);
        expect(table.lines[i]).toBe(2 + 2 * i);
      }
    }
  });

  it('reads a WHATWG ReadableStream, as fetch gives it', async () => {
    const stream = new Blob([bytes.subarray(0, 200_000), bytes.subarray(200_000)]).stream();
    expect((await parseCsvStream(stream)).length).toBe(rows);
  });

  it('names the row and line of a bad byte deep in the file', async () => {
    const broken = bytes.slice();
    const at = new TextEncoder().encode(text.slice(0, text.indexOf('\r\n70000,'))).length + 2 + 6; // the opening quote of row 70001's note
    broken[at] = 0xe9;
    await expect(parseCsvStream(chunks(broken, 65_536), { file: 'big.csv' })).rejects.toThrow(
      new RegExp(`^big\\.csv: row 70001 \\(line ${2 + 2 * 70000}\\): invalid UTF-8 bytes e9 6c 69 6e at byte ${at};`),
    );
  });

  it('stops with an error naming the file once the rows pass maxTableBytes', async () => {
    await expect(parseCsvStream(chunks(bytes, 1 << 20), { file: 'big.csv', maxTableBytes: 1_000_000 })).rejects.toThrow(
      /^big\.csv: row \d+ \(line \d+\): the parsed rows would take more than maxTableBytes = 1000000 bytes of JavaScript heap; the file is too large to hold in memory: split it, or raise the cap with \{ maxTableBytes \} and the heap with node --max-old-space-size=MB$/,
    );
  });
});
