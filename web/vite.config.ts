import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// No React plugin: Vite's own transformer compiles JSX with the automatic runtime, which is all the
// production build needs (there is no dev server with fast refresh in this project's workflow).
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
  },
  server: {
    // `npx vite web` during development: the API and the socket live on the local server.
    proxy: {
      '/config.json': 'http://localhost:8080',
      '/auth': 'http://localhost:8080',
      '/images': 'http://localhost:8080',
      '/ws': { target: 'ws://localhost:8080', ws: true },
    },
  },
});
