/**
 * The V8 flags every Preflight process starts with. `bin/preflight.js` carries them in its
 * `#!` line and `npm start` on its command line; `node-flags.test.ts` keeps the three in
 * step, and the benchmarks and trials start their processes with them too.
 *
 * `--min-semi-space-size=16`: V8 grows the young generation from 1 MB towards 16 MB (its
 * default maximum) as it sees objects survive. A bulk import keeps each chunk of rows
 * alive across a few collections; in about one run of three V8 stopped at half that size,
 * promoted every chunk to the old generation, and the import peaked at 370–400 MB instead
 * of 215–230 MB. Starting at the size V8 would grow to anyway removes the lottery. It has
 * to be given at start: `v8.setFlagsFromString` does not resize an existing heap, and Node
 * refuses the flag in `NODE_OPTIONS`.
 */
export const NODE_FLAGS: readonly string[] = ['--min-semi-space-size=16'];
