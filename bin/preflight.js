#!/usr/bin/env -S node --min-semi-space-size=16
// The flags after `node` are src/main/node-flags.ts's (why they are there is written there).
// The compiled CLI lives in dist/ (built by `npm ci` through the `prepare` script).
import { runCli } from '../dist/main/cli.js';

process.exitCode = await runCli(process.argv);
