import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

describe('the worker pool in a Node process', () => {
  it('does not keep the process alive: a script that used it exits on its own', () => {
    const script = fileURLToPath(new URL('./test-utils/pool_script.ts', import.meta.url));
    // The timeout only stops a hang from hanging the suite; how long the script takes is not checked.
    const run = spawnSync(process.execPath, ['--conditions=@nn/source', '--import', 'tsx', script], { encoding: 'utf8', timeout: 60_000 });
    expect(run.error).toBeUndefined();
    expect(run.signal).toBeNull();
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ threads: 2, first: 80, last: 80, pool: true });
  });
});
