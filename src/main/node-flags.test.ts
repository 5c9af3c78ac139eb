import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NODE_FLAGS } from './node-flags.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('the V8 flags Preflight starts with', () => {
  it('are on the #! line of bin/preflight.js, which passes them to node through env -S', () => {
    const shebang = fs.readFileSync(path.join(root, 'bin/preflight.js'), 'utf8').split('\n')[0];
    expect(shebang).toBe(`#!/usr/bin/env -S node ${NODE_FLAGS.join(' ')}`);
  });

  it('are on the command line of npm start', () => {
    const scripts = (
      JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>;
      }
    ).scripts;
    expect(scripts.start).toBe(`node ${NODE_FLAGS.join(' ')} bin/preflight.js serve`);
  });
});
