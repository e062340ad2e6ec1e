/** The docs keep up with the code: every configuration variable is documented, and every state. */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.js';
import { buildPipeline } from '../../src/core/pipeline.js';

const read = (file: string) => readFile(new URL(`../../${file}`, import.meta.url), 'utf8');

describe('docs', () => {
  it('configuration.md documents every variable of the schema', async () => {
    // The schema's keys are the parsed config's keys (defaults fill them in), plus the optional ones:
    // read those from the source so a new optional variable cannot slip through either.
    const source = await read('src/app/config.ts');
    const schemaBlock = source.slice(source.indexOf('const schema = z'), source.indexOf('.superRefine('));
    const fromSource = [...schemaBlock.matchAll(/^\s{4}([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]!);
    const fromDefaults = Object.keys(loadConfig({})).filter((k) => /^[A-Z]/.test(k));
    const variables = new Set([...fromSource, ...fromDefaults]);
    expect(variables.size).toBeGreaterThan(40);
    const doc = await read('docs/configuration.md');
    const missing = [...variables].filter((v) => !doc.includes(`| \`${v}\` |`));
    expect(missing).toEqual([]);
  });

  it('states.md lists every state of the pipeline definition', async () => {
    const doc = await read('docs/states.md');
    for (const policy of ['null', 'fail'] as const) {
      for (const state of Object.keys(buildPipeline({ beautyFailure: policy }).states))
        expect(doc).toContain(`\`${state}\``);
    }
  });

  it('the README links every doc and keeps its first lines', async () => {
    const readme = await read('README.md');
    expect(readme.split('\n').slice(0, 10).join('\n')).toContain('npm install && npm start');
    expect(readme).toContain('npm install && npm test');
    for (const doc of ['architecture', 'states', 'configuration', 'providers', 'operations'])
      expect(readme).toContain(`docs/${doc}.md`);
  });
});
