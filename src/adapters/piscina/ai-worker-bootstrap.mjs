// The AI worker's entry when Pharos runs from its TypeScript sources (npm start and vitest use tsx or
// vite, which worker threads do not inherit reliably): tsx compiles ai-worker.ts for this thread only.
import { tsImport } from 'tsx/esm/api';

const worker = await tsImport('./ai-worker.ts', import.meta.url);
export const { detectLabels, scoreBeauty, readText } = worker;
