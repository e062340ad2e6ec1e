/**
 * `npm run eval [folder]`: runs the local label detector → filterLabels → local describer → local
 * beauty scorer over every photo in a folder (default test/fixtures/photos) and prints per-photo
 * results and a summary against the folder's MANIFEST.tsv (targets: top-3 ≥ 70 %, precision ≥ 80 %,
 * 0 captions naming an absent object, beauty pairs ordered ≥ 90 %).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createLocalDescriber } from '../src/adapters/offline-ai/describer/index.js';
import { createLocalLabelDetector } from '../src/adapters/offline-ai/labels/index.js';
import { filterLabels } from '../src/core/policies.js';
import type { BeautyScorer } from '../src/core/ports/index.js';
import { absentObjects, buildLexicon } from './eval/absent-objects.js';
import { callOptions, contentTypeOf, imageInput } from './eval/image-input.js';
import { readManifest } from './eval/manifest.js';
import { percent, scoreLabels } from './eval/metrics.js';

const IMAGE_FILE = /\.(jpe?g|png|webp|gif|tiff?|avif|heic)$/i;
/** Photos whose manifest marks them as already degraded are not used as "originals" in pairs. */
const ALREADY_POOR = /^(DERIVED )?POOR:/;

type BeautyModule = typeof import('./eval/beauty-pairs.js');

async function loadBeauty(): Promise<{ module: BeautyModule; scorer: BeautyScorer } | string> {
  try {
    const module = await import('./eval/beauty-pairs.js');
    return { module, scorer: module.createScorer() };
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

async function main(): Promise<void> {
  const folder = resolve(process.argv[2] ?? 'test/fixtures/photos');
  const files = (await readdir(folder)).filter((f) => IMAGE_FILE.test(f)).sort();
  const manifest = await readManifest(folder);
  const lexicon = buildLexicon([...manifest.values()].flatMap((e) => e.expectedLabels));
  const detector = createLocalLabelDetector();
  const describer = createLocalDescriber();
  const beauty = await loadBeauty();
  if (typeof beauty === 'string') console.log(`! beauty scorer unavailable: ${beauty}\n`);

  let scored = 0;
  let top3Hits = 0;
  let correct = 0;
  let returned = 0;
  const badCaptions: string[] = [];
  let pairs = 0;
  let orderedPairs = 0;
  const misordered: string[] = [];

  for (const file of files) {
    const bytes = new Uint8Array(await readFile(join(folder, file)));
    const image = imageInput(file, bytes, contentTypeOf(file));
    const started = performance.now();
    const detected = await detector.detect(image, callOptions());
    const filtered = filterLabels(detected.labels);
    const caption = await describer.describe({ labels: filtered, image }, callOptions());
    const labelMs = performance.now() - started;
    const score =
      typeof beauty === 'string'
        ? null
        : await beauty.module.scoreOf(beauty.scorer, file, bytes, image.contentType);

    const entry = manifest.get(file);
    console.log(`■ ${file}  (${labelMs.toFixed(0)} ms labels+caption)`);
    console.log(
      `  labels : ${filtered.map((l) => `${l.name} ${l.confidence}${l.parents?.length ? ` [${l.parents.join(', ')}]` : ''}`).join('; ') || '(none ≥ filter)'}`,
    );
    const below = detected.labels.filter(
      (l) => !filtered.includes(l) && !filtered.some((f) => f.name === l.name),
    );
    if (below.length) console.log(`  below  : ${below.map((l) => `${l.name} ${l.confidence}`).join('; ')}`);
    console.log(`  caption: ${caption.description}`);
    console.log(`  tags   : ${caption.tags.join(', ')}`);
    console.log(`  beauty : ${score ?? 'n/a'}`);

    const absent = absentObjects(caption.description, filtered, lexicon);
    if (absent.length) {
      badCaptions.push(`${file}: ${absent.join(', ')}`);
      console.log(`  ✗ caption names absent: ${absent.join(', ')}`);
    }
    if (entry) {
      const s = scoreLabels(filtered, entry.expectedLabels);
      scored++;
      if (s.top3Hit) top3Hits++;
      correct += s.correct;
      returned += s.returned;
      console.log(`  expect : ${entry.expectedLabels.join(', ')}`);
      console.log(
        `  top-3 ${s.top3Hit ? 'hit' : 'MISS'}; ${s.correct}/${s.returned} labels expected${s.wrong.length ? ` (unexpected: ${s.wrong.join(', ')})` : ''}`,
      );
    }
    if (typeof beauty !== 'string' && !ALREADY_POOR.test(entry?.description ?? '')) {
      for (const pair of await beauty.module.comparePairs(beauty.scorer, file, bytes)) {
        pairs++;
        if (pair.ordered) orderedPairs++;
        else misordered.push(`${pair.photo} ${pair.degradation} (${pair.original} vs ${pair.degraded})`);
      }
    }
    console.log('');
  }

  console.log('══ summary ══');
  console.log(`photos                      : ${files.length} (${scored} with expected labels)`);
  console.log(
    `top-3 hit rate              : ${percent(top3Hits, scored)} (${top3Hits}/${scored}; target ≥ 70%)`,
  );
  console.log(
    `label precision             : ${percent(correct, returned)} (${correct}/${returned}; target ≥ 80%)`,
  );
  console.log(
    `captions naming absent thing: ${badCaptions.length} (target 0)${badCaptions.length ? `\n  ${badCaptions.join('\n  ')}` : ''}`,
  );
  if (typeof beauty === 'string') console.log('beauty pairs ordered        : n/a (scorer unavailable)');
  else {
    console.log(
      `beauty pairs ordered        : ${percent(orderedPairs, pairs)} (${orderedPairs}/${pairs}; target ≥ 90%)`,
    );
    if (misordered.length) console.log(`  misordered: ${misordered.join('; ')}`);
  }
}

await main();
