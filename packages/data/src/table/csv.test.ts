import { describe, expect, it } from 'vitest';
import { randomSplit } from '../dataset.js';
import { inferColumnType, inferColumnTypes, parseNumber } from './columns.js';
import { parseCsv, splitTable } from './csv.js';

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
