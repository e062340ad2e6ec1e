/**
 * `npm run eval [-- folder] [--verbose] [--no-pairs] [--fresh] [--text[=tesseract]]`: runs the offline providers (label
 * detector → filterLabels → describer, beauty scorer) over every photo of an evaluation set (default
 * `eval/`: eval/photos + eval/MANIFEST.tsv) and prints the tuning and validation halves side by side
 * (split by scripts/eval/split.ts). Tune on the tuning half only; report the validation half.
 * `--text` also runs the offline text reader (OCR: PaddleOCR; `--text=tesseract` the older Tesseract
 * reader) and prints word recall on the photos with text and how often text is claimed on the others.
 * Model outputs are cached (scripts/eval/cache.ts); the rules and formulas always run afresh.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createLocalDescriber } from '../src/adapters/offline-ai/describer/index.js';
import { rescore } from '../src/adapters/offline-ai/beauty/score.js';
import { gatherLabelEvidence, labelsFromEvidence } from '../src/adapters/offline-ai/labels/index.js';
import { filterLabels } from '../src/core/policies.js';
import type { BeautyScorer } from '../src/core/ports/index.js';
import { absentObjects, buildLexicon } from './eval/absent-objects.js';
import { cached } from './eval/cache.js';
import { callOptions, contentTypeOf, imageInput } from './eval/image-input.js';
import { isAlreadyPoor, readManifest } from './eval/manifest.js';
import { calibrate, percent, scoreLabels, SHOWN_CONFIDENCE } from './eval/metrics.js';
import { halfOf, HALVES, type Half } from './eval/split.js';
import { interquartileRange, spearman } from './eval/stats.js';
import { matchesExpected } from './eval/synonyms.js';
import { tagProblems } from './eval/tag-check.js';
import { recall, textFigures } from './eval/text-recall.js';
import { evalTextReader, textReaderArg } from './eval/text-readers.js';

const IMAGE_FILE = /\.(jpe?g|png|webp|gif|tiff?|avif|heic)$/i;

type BeautyModule = typeof import('./eval/beauty-pairs.js');

/**
 * Pixel count is the beauty model's strongest signal on this set (thumbnails and small web copies
 * were rated low), so the correlation is also shown without them: phone photos are all this large.
 */
const LARGE_PHOTO_MEGAPIXELS = 0.5;

interface PhotoResult {
  file: string;
  half: Half;
  expected: boolean;
  top3Hit: boolean;
  shownRight: number;
  shown: number;
  noLabel: boolean;
  all: { confidence: number; right: boolean }[];
  beauty: number | null;
  /** The photo's size: the ratings follow it strongly on small photos. */
  megapixels: number;
  quality: number | null;
  pairs: number;
  orderedPairs: number;
  absent: string[];
  /** OCR: expected words found / listed, and whether text was claimed (null when --text is off). */
  textFound: number;
  textTotal: number;
  textClaimed: boolean | null;
  fillers: string[];
  nearDuplicates: string[];
}

async function loadBeauty(): Promise<{ module: BeautyModule; scorer: BeautyScorer } | string> {
  try {
    const module = await import('./eval/beauty-pairs.js');
    return { module, scorer: module.createScorer() };
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

function parseArgs(argv: readonly string[]) {
  const flags = new Set(argv.filter((a) => a.startsWith('--')));
  const folder = resolve(argv.find((a) => !a.startsWith('--')) ?? 'eval');
  return {
    folder,
    verbose: flags.has('--verbose'),
    pairs: !flags.has('--no-pairs'),
    fresh: flags.has('--fresh'),
    text: textReaderArg(argv),
  };
}

async function main(): Promise<void> {
  const { folder, verbose, pairs, fresh, text } = parseArgs(process.argv.slice(2));
  const photos = existsSync(join(folder, 'photos')) ? join(folder, 'photos') : folder;
  const files = (await readdir(photos)).filter((f) => IMAGE_FILE.test(f)).sort();
  const manifest = await readManifest(folder);
  const lexicon = buildLexicon([...manifest.values()].flatMap((e) => e.expectedLabels));
  const describer = createLocalDescriber();
  const beauty = await loadBeauty();
  if (typeof beauty === 'string') console.log(`! beauty scorer unavailable: ${beauty}\n`);

  const reader = text ? await evalTextReader(text) : null;
  if (reader) console.log(`text reader: ${reader.name}\n`);
  const results: PhotoResult[] = [];
  for (const file of files) {
    const bytes = new Uint8Array(await readFile(join(photos, file)));
    const image = imageInput(file, bytes, contentTypeOf(file));
    const evidence = await cached('labels', bytes, fresh, () => gatherLabelEvidence(bytes));
    const detected = { labels: labelsFromEvidence(evidence) };
    const filtered = filterLabels(detected.labels);
    const caption = await describer.describe({ labels: filtered, image }, callOptions());
    const measured =
      typeof beauty === 'string'
        ? null
        : await cached('beauty', bytes, fresh, () =>
            beauty.module.rawOf(beauty.scorer, file, bytes, image.contentType),
          );
    const scored = measured ? rescore(measured) : null;
    const entry = manifest.get(file);
    const expected = entry?.expectedLabels ?? [];
    const read = reader ? await reader.read(bytes, fresh) : null;
    const words = read && entry?.text ? recall(entry.text, read.text) : { found: 0, total: 0 };
    const s = scoreLabels(filtered, expected);
    const tags = tagProblems(caption.tags);
    const result: PhotoResult = {
      file,
      half: halfOf(file),
      expected: expected.length > 0,
      top3Hit: s.top3Hit,
      shownRight: s.correct,
      shown: s.returned,
      noLabel: s.returned === 0,
      all: detected.labels.map((l) => ({
        confidence: l.confidence,
        right: matchesExpected(l.name, expected),
      })),
      beauty: scored,
      megapixels: measured ? (measured.originalSize.width * measured.originalSize.height) / 1e6 : 0,
      quality: entry?.quality ?? null,
      pairs: 0,
      orderedPairs: 0,
      absent: absentObjects(caption.description, filtered, lexicon),
      textFound: words.found,
      textTotal: words.total,
      textClaimed: read ? read.words > 0 : null,
      ...tags,
    };
    const misordered: string[] = [];
    if (pairs && typeof beauty !== 'string' && !isAlreadyPoor({ description: entry?.description ?? '' })) {
      const measured = await cached('pairs', bytes, fresh, () =>
        beauty.module.measurePairs(beauty.scorer, file, bytes),
      );
      for (const pair of measured) {
        const original = rescore(pair.original);
        const degraded = rescore(pair.degraded);
        result.pairs++;
        if (original > degraded) result.orderedPairs++;
        else misordered.push(`${pair.degradation} ${original}≤${degraded}`);
      }
    }
    results.push(result);
    if (verbose) {
      console.log(`■ ${file} [${result.half}]  beauty ${scored ?? 'n/a'} (rated ${entry?.quality ?? '?'})`);
      console.log(
        `  labels : ${detected.labels.map((l) => `${l.name} ${l.confidence}`).join('; ') || '(none)'}`,
      );
      console.log(`  expect : ${expected.join(', ')}`);
      console.log(`  caption: ${caption.description}`);
      console.log(`  tags   : ${caption.tags.join(', ')}`);
      if (read)
        console.log(
          `  text   : ${read.text || '(none)'}${words.total ? ` (${words.found}/${words.total} words)` : ''}`,
        );
      const notes = [
        s.top3Hit ? 'top-3 hit' : 'top-3 MISS',
        s.wrong.length ? `wrong ≥${SHOWN_CONFIDENCE}: ${s.wrong.join(', ')}` : '',
        result.absent.length ? `caption names absent: ${result.absent.join(', ')}` : '',
        result.fillers.length ? `filler tags: ${result.fillers.join(', ')}` : '',
        result.nearDuplicates.length ? `near-duplicate tags: ${result.nearDuplicates.join('; ')}` : '',
        misordered.length ? `misordered: ${misordered.join('; ')}` : '',
      ].filter(Boolean);
      console.log(`  ${notes.join(' | ')}\n`);
    }
  }
  printSummary(results);
  await reader?.stop();
}

function column(results: readonly PhotoResult[], half: Half): Record<string, string> {
  const rows = results.filter((r) => r.half === half);
  const withExpected = rows.filter((r) => r.expected);
  const rated = rows.filter((r) => r.beauty !== null && r.quality !== null);
  const scores = rows.flatMap((r) => (r.beauty === null ? [] : [r.beauty]));
  const sum = (pick: (r: PhotoResult) => number) => rows.reduce((a, r) => a + pick(r), 0);
  const top3 = withExpected.filter((r) => r.top3Hit).length;
  const noLabel = withExpected.filter((r) => r.noLabel).length;
  const rhoOf = (list: readonly PhotoResult[]) =>
    spearman(
      list.map((r) => r.beauty as number),
      list.map((r) => r.quality as number),
    );
  const rho = rhoOf(rated);
  const large = rated.filter((r) => r.megapixels >= LARGE_PHOTO_MEGAPIXELS);
  const rhoLarge = rhoOf(large);
  return {
    photos: `${rows.length} (${withExpected.length} with labels, ${rated.length} rated)`,
    'top-3 hit rate (≥ 75%)': `${percent(top3, withExpected.length)} (${top3}/${withExpected.length})`,
    'precision at conf ≥ 80 (≥ 0.85)': `${percent(
      sum((r) => r.shownRight),
      sum((r) => r.shown),
    )} (${sum((r) => r.shownRight)}/${sum((r) => r.shown)})`,
    'photos with no label (≤ 10%)': `${percent(noLabel, withExpected.length)} (${noLabel})`,
    'beauty Spearman vs rating (≥ 0.6)': Number.isNaN(rho) ? 'n/a' : rho.toFixed(2),
    [`  … on photos ≥ ${LARGE_PHOTO_MEGAPIXELS} MP`]: Number.isNaN(rhoLarge)
      ? 'n/a'
      : `${rhoLarge.toFixed(2)} (${large.length} photos)`,
    'beauty IQR (≥ 15)': scores.length ? interquartileRange(scores).toFixed(1) : 'n/a',
    'degraded < original (≥ 90%)': `${percent(
      sum((r) => r.orderedPairs),
      sum((r) => r.pairs),
    )} (${sum((r) => r.orderedPairs)}/${sum((r) => r.pairs)})`,
    'captions naming absent thing (0)': String(rows.filter((r) => r.absent.length).length),
    'photos with filler tags (0)': String(rows.filter((r) => r.fillers.length).length),
    'photos with near-dup tags (0)': String(rows.filter((r) => r.nearDuplicates.length).length),
    ...(rows.some((r) => r.textClaimed !== null) ? textFigures(rows) : {}),
  };
}

function printSummary(results: readonly PhotoResult[]): void {
  const columns = HALVES.map((half) => column(results, half));
  const names = Object.keys(columns[0] ?? {});
  const width = Math.max(...names.map((n) => n.length));
  console.log('══ summary ══');
  console.log(`${''.padEnd(width)}  ${'tuning'.padEnd(26)}  validation`);
  for (const name of names) {
    console.log(
      `${name.padEnd(width)}  ${(columns[0]?.[name] ?? '').padEnd(26)}  ${columns[1]?.[name] ?? ''}`,
    );
  }
  console.log('\ncalibration (every label the detector returned, ≥ 50): right / labels');
  console.log(`${'confidence'.padEnd(12)}${HALVES.map((h) => h.padEnd(28)).join('')}`);
  const tables = HALVES.map((half) =>
    calibrate(results.filter((r) => r.half === half).flatMap((r) => r.all)),
  );
  for (let i = 0; i < (tables[0]?.length ?? 0); i++) {
    const bin = tables[0]![i]!;
    const cells = tables.map((t) => {
      const b = t[i]!;
      return `${percent(b.right, b.labels).padStart(6)} (${b.right}/${b.labels}, mean ${Number.isNaN(b.meanConfidence) ? '-' : b.meanConfidence.toFixed(0)})`.padEnd(
        28,
      );
    });
    console.log(`${`${bin.from}–${bin.to}`.padEnd(12)}${cells.join('')}`);
  }
}

await main();
