#!/usr/bin/env node
/* global process, console */
/**
 * Builds the web UI (web/ → web/dist) when the build is missing or older than its sources, so that
 * `npm start` serves the UI on a fresh clone and after every pull. Cheap when nothing changed.
 * `--force` always builds.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { newestMtime } from './newest-mtime.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const web = path.join(root, 'web');
const builtIndex = path.join(web, 'dist', 'index.html');
const sources = ['src', 'public', 'index.html', 'vite.config.ts', 'tsconfig.json'].map((p) =>
  path.join(web, p),
);

const force = process.argv.includes('--force');
const builtAt = existsSync(builtIndex) ? statSync(builtIndex).mtimeMs : 0;
const changedAt = Math.max(...sources.map(newestMtime));
if (!force && builtAt > 0 && builtAt >= changedAt) process.exit(0);

let viteBin;
try {
  const require = createRequire(import.meta.url);
  viteBin = path.join(path.dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
} catch {
  const message = 'vite is not installed (run `npm install`): cannot build the web UI';
  if (builtAt > 0) {
    console.warn(`ensure-web-build: ${message}; serving the existing web/dist`);
    process.exit(0);
  }
  console.error(`ensure-web-build: ${message}`);
  process.exit(1);
}

console.log(`ensure-web-build: ${builtAt ? 'web/src changed' : 'web/dist missing'}, building the web UI…`);
const result = spawnSync(process.execPath, [viteBin, 'build', web, '--logLevel', 'warn'], {
  cwd: root,
  stdio: 'inherit',
  // Always a production build: run from vitest, NODE_ENV=test would give React's development build.
  env: { ...process.env, NODE_ENV: 'production' },
});
process.exit(result.status ?? 1);
