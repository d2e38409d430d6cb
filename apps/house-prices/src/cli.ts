#!/usr/bin/env node
// The house-prices command: see program.ts, or run it with --help.
import { program } from './program.js';

await program().parseAsync(process.argv);
