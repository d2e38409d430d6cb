// After `changeset version` has bumped package.json files: writes @nn/tensor's version into
// its source (packages/tensor/src/version.ts), which the two-copies message reports.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const tensor = join(resolve(import.meta.dirname, '../..'), 'packages/tensor');
const { version } = JSON.parse(readFileSync(join(tensor, 'package.json'), 'utf8'));
const file = join(tensor, 'src/version.ts');
const before = readFileSync(file, 'utf8');
const after = before.replace(/export const version = '[^']*';/, `export const version = '${version}';`);
if (!after.includes(`'${version}'`)) throw new Error(`sync-versions: no version constant in ${file}`);
writeFileSync(file, after);
console.log(`sync-versions: @nn/tensor ${version}`);
