/**
 * The .pt reader runs in browsers: nothing it imports, directly or through our own files,
 * is a Node built-in (those stay in the '@nn/layers/node' entry).
 */
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Every import specifier reachable from `file` through relative imports. */
function importsOf(file: string, seen = new Set<string>()): string[] {
  if (seen.has(file)) return [];
  seen.add(file);
  const source = readFileSync(file, 'utf8');
  const specifiers = [...source.matchAll(/^\s*(?:import|export)\b[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1]);
  return specifiers.flatMap((s) => (s.startsWith('.') ? [s, ...importsOf(join(file, '..', s.replace(/\.js$/, '.ts')), seen)] : [s]));
}

describe('loadPytorch in browsers', () => {
  it('imports no Node built-in', () => {
    const imports = importsOf(join(import.meta.dirname, 'pytorch.ts'));
    expect(imports).toContain('fflate');
    expect(imports).toContain('./pickle.js');
    const node = imports.filter((s) => s.startsWith('node:') || builtinModules.includes(s));
    expect(node).toEqual([]);
  });

  it('uses fflate\'s browser build under the browser conditions', () => {
    const manifest = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'node_modules', 'fflate', 'package.json'), 'utf8')) as { exports: { '.': { import: { default: string } } } };
    const browserBuild = readFileSync(join(import.meta.dirname, '..', 'node_modules', 'fflate', manifest.exports['.'].import.default), 'utf8');
    expect(browserBuild).not.toMatch(/from ['"](node:)?(module|worker_threads|fs)['"]/);
    expect(browserBuild).toMatch(/export function unzipSync/);
  });
});
