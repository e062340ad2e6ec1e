#!/usr/bin/env node
// The `pharos` command: runs the TypeScript CLI through tsx (a runtime dependency, so it resolves from
// this package's own node_modules after `npm install`, `npm install -g .` or `npx pharos`).
import { tsImport } from 'tsx/esm/api';

await tsImport('../src/cli/main.ts', import.meta.url);
