import { describe, expect, it } from 'vitest';
import { extractBlocks, programs } from './extract.js';

describe('extractBlocks', () => {
  it('finds fenced blocks with their language, line and no-run reason, indented ones included', () => {
    const md = ['# t', '```ts', 'a();', '```', 'text', '- item', '  ```yaml', '  k: v', '  ```', '```ts no-run: needs a GPU', 'b();', '```'].join('\n');
    expect(extractBlocks(md)).toEqual([
      { line: 2, lang: 'ts', noRun: null, continues: false, inRepo: false, code: 'a();\n' },
      { line: 7, lang: 'yaml', noRun: null, continues: false, inRepo: false, code: 'k: v\n' },
      { line: 10, lang: 'ts', noRun: 'needs a GPU', continues: false, inRepo: false, code: 'b();\n' },
    ]);
  });

  it('names the line of a block that is never closed', () => {
    expect(() => extractBlocks('```ts\nx\n')).toThrow('line 1: code block opened with ``` is never closed');
  });

  it('runs a continuing block appended to the one before it, and leaves no-run blocks out', () => {
    const md = ['```ts', 'const a = 1;', '```', '```ts continues', "import { b } from 'b';", 'const c = a;', '```', '```ts no-run: a fragment', 'x;', '```', '```ts in-repo', 'b;', '```'].join('\n');
    expect(programs(extractBlocks(md))).toEqual([
      { lines: [1, 4], inRepo: false, code: "import { b } from 'b';\nconst a = 1;\n{\n\nconst c = a;\n}\n" },
      { lines: [11], inRepo: true, code: 'b;\n' },
    ]);
    expect(() => programs(extractBlocks('```ts no-run: x\n```\n```ts continues\n```\n'))).toThrow("line 3: a block marked 'continues' follows no runnable block");
  });
});
