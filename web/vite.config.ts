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
    // Fluent UI alone is larger than Vite's default warning threshold; the app is an
    // internal tool loaded once per session, so one vendor chunk is fine.
    chunkSizeWarningLimit: 1500,
  },
  // `vite` and `vite preview` pass API calls to a running `preflight serve`.
  server: {
    proxy: { '/portal/api': process.env.PREFLIGHT_API_ORIGIN ?? 'http://localhost:8080' },
  },
});
