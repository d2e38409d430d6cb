/**
 * The command-line plumbing every app repeats: commander's number parsers, and `runProgram`,
 * which runs a program and turns any failure into one line naming what was wrong (a stack
 * trace only when the app's debug variable is set), returning the exit code so tests call it.
 */
import { CommanderError, InvalidArgumentError, type Command } from 'commander';
import { fileErrorText } from '@nn/layers/node';

/** Where an app writes: process.stdout/stderr, or a test's collector. */
export interface Writer {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface IO {
  out: Writer;
  err: Writer;
}

export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !(n >= 1)) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

export function nonNegativeInteger(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError('expected an integer >= 0');
  return Number(value);
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || !(n > 0)) throw new InvalidArgumentError('expected a positive number');
  return n;
}

export function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || !(n >= 0)) throw new InvalidArgumentError('expected a number >= 0');
  return n;
}

export function integer(value: string): number {
  if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError('expected an integer');
  return Number(value);
}

/** The first line of an error's message; Node's file errors as their path and what went wrong in words. */
export function describeError(error: unknown): string {
  const { code, path } = (error ?? {}) as { code?: unknown; path?: unknown };
  if (typeof code === 'string' && typeof path === 'string') return `${path}: ${fileErrorText(error)}`;
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0];
}

/** Commander set up to write through `io` and to throw instead of exiting. */
export function configureProgram(program: Command, io: IO): Command {
  return program
    .configureOutput({ writeOut: (s) => void io.out.write(s), writeErr: (s) => void io.err.write(s) })
    .exitOverride()
    .showHelpAfterError('(add --help for usage)');
}

/**
 * Runs `argv` (without node and the script) through the program and returns the exit code:
 * commander's own errors have printed themselves; any other is `name: first line` on `io.err`,
 * followed by its stack when the environment variable `debugVariable` is set.
 */
export async function runProgram(program: Command, argv: readonly string[], io: IO, debugVariable: string): Promise<number> {
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    io.err.write(`${program.name()}: ${describeError(error)}\n`);
    if (process.env[debugVariable]) io.err.write(`${(error as Error).stack ?? ''}\n`);
    return 1;
  }
}
