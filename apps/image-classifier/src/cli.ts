#!/usr/bin/env node
// The image-classifier command: see main.ts, and README.md for examples.
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));
