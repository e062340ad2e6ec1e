/**
 * The Lambda bundles leave the offline text reader out: onnxruntime-node's native binding cannot be
 * bundled (esbuild fails on its .node files) and the cloud never runs PaddleOCR. The step function's
 * entry is bundled as NodejsFunction bundles it (same esbuild options and external modules); the OCR
 * packages must appear only as dynamic imports, which run only when a text reader is first used.
 */
import path from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { EXTERNAL, ROOT } from '../lib/functions.js';

describe('the Lambda bundle of the pipeline steps', () => {
  it('builds without onnxruntime or PaddleOCR inside, and imports them only on first use', async () => {
    const result = await build({
      entryPoints: [path.join(ROOT, 'src/entry/lambda/step.ts')],
      bundle: true,
      write: false,
      metafile: true,
      format: 'esm',
      platform: 'node',
      target: 'node22',
      mainFields: ['module', 'main'],
      external: EXTERNAL,
      outfile: path.join(ROOT, 'infra/cdk.out/bundle-check/index.mjs'),
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((i) => i.includes('src/adapters/paddleocr/'))).toBe(true);
    expect(
      inputs.filter((i) => /node_modules\/(onnxruntime|@gutenye|@techstark|js-clipper)/.test(i)),
    ).toEqual([]);
    const code = result.outputFiles[0]?.text ?? '';
    expect(code.match(/^import [^\n]*(onnxruntime|@gutenye|@techstark|js-clipper)[^\n]*$/gm)).toBeNull();
    expect(code).toContain('import("onnxruntime-node")');
  }, 120_000);
});
