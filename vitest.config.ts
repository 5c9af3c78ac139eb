import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'trials/**/*.test.ts'],
    // Database tests create their own files and schemas; a generous timeout covers
    // PostgreSQL schema creation plus migrations on a 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
