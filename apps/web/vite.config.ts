import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Everything the API serves besides the dashboard: `vite dev` forwards it to a local `npm start`.
const API = 'http://localhost:3000';

export default defineConfig({
  plugins: [react()],
  // @easel/sdk and @easel/contracts from their TypeScript sources: no separate build step for the libs.
  resolve: { conditions: ['@easel/source', 'module', 'browser', 'development|production'] },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The API's Content-Security-Policy allows no inline script; the polyfill would be one.
    modulePreload: { polyfill: false },
    // Keeps the initial bundle honest: a page chunk over this is worth a look.
    chunkSizeWarningLimit: 300,
  },
  server: {
    proxy: Object.fromEntries(['/api', '/v1', '/files', '/docs', '/openapi.json'].map((p) => [p, API])),
  },
});
