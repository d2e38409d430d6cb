/**
 * Finds the code blocks of a Markdown file. A ```ts block runs in the test suite unless its
 * info string says `no-run` followed by the reason (```ts no-run: needs the MNIST files).
 * Other words in the info string: `continues` (the block goes on from the one before it, and
 * runs appended to it), `in-repo` (it reads files of this repository: it runs in the repo root).
 */
export interface CodeBlock {
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  /** What follows `no-run` in the info string; null for a block that runs. */
  noRun: string | null;
  continues: boolean;
  inRepo: boolean;
  code: string;
}

export function extractBlocks(markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,})(.*)$/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, info] = open;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !(lines[j].trimStart().startsWith(fence) && lines[j].trim() === fence)) {
      body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j]);
      j++;
    }
    if (j === lines.length) throw new Error(`line ${i + 1}: code block opened with ${fence} is never closed`);
    const [lang = '', ...rest] = info.trim().split(/\s+/);
    const flags = rest.join(' ');
    const noRun = /^no-run\b:?\s*(.*)$/.exec(flags);
    const words = noRun ? [] : rest;
    blocks.push({
      line: i + 1,
      lang,
      noRun: noRun ? noRun[1] : null,
      continues: words.includes('continues'),
      inRepo: words.includes('in-repo'),
      code: body.join('\n') + '\n',
    });
    i = j;
  }
  return blocks;
}

/** A program to run: one block, or a block and the ones that continue it. */
export interface Program {
  lines: number[];
  inRepo: boolean;
  code: string;
}

/** Joins each runnable block with the blocks that continue it; no-run blocks are left out. */
export function programs(blocks: readonly CodeBlock[]): Program[] {
  const out: Program[] = [];
  let last: Program | null = null;
  for (const b of blocks) {
    if (b.noRun !== null) {
      last = null;
      continue;
    }
    if (b.continues) {
      if (!last) throw new Error(`line ${b.line}: a block marked 'continues' follows no runnable block`);
      // Its imports go to the top; the rest in a scope of its own, so that it may reuse a
      // name the earlier block declared (each reads as its own example) yet see the others.
      const imports = b.code.match(/^import\b[\s\S]*?;[ \t]*$/gm) ?? [];
      let body = b.code;
      for (const i of imports) body = body.replace(i, '');
      last.lines.push(b.line);
      last.code = `${imports.join('\n')}\n${last.code}{\n${body}}\n`;
      last.inRepo ||= b.inRepo;
      continue;
    }
    last = { lines: [b.line], inRepo: b.inRepo, code: b.code };
    out.push(last);
  }
  return out;
}
