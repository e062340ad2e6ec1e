/** The docs keep up with the code: every configuration variable is documented, and every state. */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.js';
import { WebConfigSchema } from '../../src/app/http/web-config.js';
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
    // Prettier pads table cells, so the name is followed by any run of spaces.
    const missing = [...variables].filter((v) => !new RegExp(`^\\| \`${v}\`\\s+\\|`, 'm').test(doc));
    expect(missing).toEqual([]);
  });

  it("configuration.md documents every field of the web UI's /config.json", async () => {
    // Walk the zod schema: objects by key, the auth union by each option's keys.
    const fields = new Set<string>();
    const walk = (schema: unknown, prefix: string): void => {
      const def = (schema as { def: { type: string; shape?: object; options?: unknown[] } }).def;
      if (def.type === 'object') {
        for (const [key, child] of Object.entries(def.shape!)) {
          const inner = (child as { def: { type: string; innerType?: unknown } }).def;
          const target = inner.type === 'optional' ? inner.innerType : child;
          const name = prefix + key;
          const type = (target as { def: { type: string } }).def.type;
          if (type === 'object' || type === 'union') walk(target, `${name}.`);
          else fields.add(name);
        }
      } else if (def.type === 'union') for (const option of def.options!) walk(option, prefix);
    };
    walk(WebConfigSchema, '');
    expect([...fields].sort()).toEqual(
      expect.arrayContaining([
        'apiBaseUrl',
        'auth.authority',
        'auth.logoutUrl',
        'auth.mode',
        'upload.maxBytes',
      ]),
    );
    const doc = await read('docs/configuration.md');
    const section = doc.slice(doc.indexOf('(`GET /config.json`)'));
    const missing = [...fields].filter(
      (f) => !new RegExp(`^\\| \`${f.replace('.', '\\.')}\`\\s+\\|`, 'm').test(section),
    );
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
