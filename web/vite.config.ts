import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const webRoot = path.dirname(fileURLToPath(import.meta.url));

// The server serves the built app from dist/portal under /portal/ (docs/portal.md).
export default defineConfig({
  root: webRoot,
  base: '/portal/',
  plugins: [react()],
  build: {
    outDir: path.resolve(webRoot, '../dist/portal'),
    emptyOutDir: true,
    // React, the router and the Fluent components the shell needs come to ~750 kB (215 kB
    // gzipped) in the entry chunk, above Vite's 500 kB warning; the app loads once per
    // session and the customer pages (charts) load apart, so this is the size to watch.
    chunkSizeWarningLimit: 1000,
  },
  // `vite` and `vite preview` pass API calls to a running `preflight serve`.
  server: {
    proxy: { '/portal/api': process.env.PREFLIGHT_API_ORIGIN ?? 'http://localhost:8080' },
  },
});
