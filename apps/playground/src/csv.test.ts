import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv.js';

describe('CSV import', () => {
  it('reads x1, x2, label rows with a header; 0/1 labels become −1/+1', () => {
    const result = parseCsv('x1,x2,label\n1,2,1\n-3.5, 0.5, 0\n\n4;-4;1\n');
    expect(result.errors).toEqual([]);
    expect(result.problem).toBe('classification');
    expect(result.points).toEqual([
      { x: 1, y: 2, label: 1 },
      { x: -3.5, y: 0.5, label: -1 },
      { x: 4, y: -4, label: 1 },
    ]);
  });

  it('takes other values as regression targets', () => {
    const result = parseCsv('0,0,0.25\n1,1,-0.5\n');
    expect(result.problem).toBe('regression');
    expect(result.points.map((p) => p.label)).toEqual([0.25, -0.5]);
  });

  it('names the line and the problem of every bad row, and keeps the good ones', () => {
    const result = parseCsv('1,2,1\n1,2\n1,abc,1\n7,0,1\n1,2,3,4\n,1,1\n2,2,-1\r\n');
    expect(result.errors).toEqual([
      'line 2: expected 3 values (x1, x2, label), got 2',
      "line 3: x2 'abc' is not a number",
      'line 4: point (7, 0) lies outside the plane [-6, 6]²',
      'line 5: expected 3 values (x1, x2, label), got 4',
      "line 6: x1 '' is not a number",
    ]);
    expect(result.points).toEqual([
      { x: 1, y: 2, label: 1 },
      { x: 2, y: 2, label: -1 },
    ]);
  });

  it('says so when there is nothing to read', () => {
    expect(parseCsv('\n\n').errors).toEqual(['no points: the file has no rows of x1, x2, label']);
    expect(parseCsv('a,b,c\n').errors).toEqual(['no points: the file has no rows of x1, x2, label']);
  });
});
