import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The console is served by the bridge at /console/ (and behind a proxy at <prefix>/console/): relative
// asset URLs work under any prefix. Everything is bundled; the page loads nothing from elsewhere.
const here = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  base: './',
  publicDir: false,
  build: {
    outDir: path.resolve(here, '..', 'dist', 'console'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  logLevel: 'warn',
});
