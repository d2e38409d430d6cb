/**
 * vitest globalSetup: with NN_GPU_LEGS=1 and no display, starts a virtual X display (Xvfb,
 * with Mesa's software GL) for the headlessgl leg and points DISPLAY at it; the test
 * workers, started after this, inherit it. Stops it when the run ends.
 */
import { spawn, type ChildProcess } from 'node:child_process';

let server: ChildProcess | undefined;

export async function setup(): Promise<void> {
  if (process.env.NN_GPU_LEGS !== '1' || process.env.DISPLAY) return;
  const xvfb = spawn('Xvfb', ['-displayfd', '1', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], { stdio: ['ignore', 'pipe', 'pipe'] });
  server = xvfb;
  const display = await new Promise<string>((resolve, reject) => {
    let stderr = '';
    xvfb.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    xvfb.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
    xvfb.once('error', (error) => reject(new Error(`gpu legs: cannot start Xvfb (install it with tooling/scripts/ci-gpu-deps.sh): ${error.message}`)));
    xvfb.once('exit', (code) => reject(new Error(`gpu legs: Xvfb exited with code ${code}: ${stderr.trim()}`)));
  });
  process.env.DISPLAY = `:${display}`;
}

export function teardown(): void {
  server?.kill();
}
