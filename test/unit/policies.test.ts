import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.js';
import {
  matchesPattern,
  ticketFromObjectCreated,
  uploadEventPattern,
  uploadKey,
} from '../../src/core/events.js';
import {
  filterLabels,
  normaliseBeauty,
  normaliseDescription,
  normaliseTags,
} from '../../src/core/policies.js';
import { STEP_NAMES, buildPipeline, retryDelayMs } from '../../src/core/pipeline.js';
import { assertDefinitionIsRunnable } from '../../src/core/runner.js';
import type { ObjectCreatedEvent } from '../../src/core/ports/index.js';

describe('FilterLabels', () => {
  const labels = [
    { name: 'Lighthouse', confidence: 98 },
    { name: 'Ocean', confidence: 96 },
    { name: 'Sunset', confidence: 91 },
    { name: 'Waves', confidence: 89 },
    { name: 'Rock', confidence: 87 },
    { name: 'Sky', confidence: 86 },
    { name: 'Boat', confidence: 42 },
    { name: 'ocean', confidence: 99.04 },
    { name: '  ', confidence: 99 },
    { name: 'NaN', confidence: Number.NaN },
  ];

  it("keeps the seed's example: labels ≥ 80, best first, one per name", () => {
    expect(filterLabels(labels).map((l) => `${l.name} ${l.confidence}`)).toEqual([
      'ocean 99',
      'Lighthouse 98',
      'Sunset 91',
      'Waves 89',
      'Rock 87',
      'Sky 86',
    ]);
  });

  it('honours the configured top N and threshold', () => {
    expect(filterLabels(labels, { maxLabels: 2, minConfidence: 90 }).map((l) => l.name)).toEqual([
      'ocean',
      'Lighthouse',
    ]);
    expect(filterLabels(labels, { maxLabels: 10, minConfidence: 40 }).map((l) => l.name)).toContain('Boat');
  });
});

describe('tag and description normalisation', () => {
  it('lowercases, trims, de-duplicates, keeps 2–32 letters/digits/spaces/hyphens, at most 12', () => {
    expect(
      normaliseTags([
        ' Lighthouse ',
        'lighthouse',
        'SEA-SCAPE',
        'a',
        'x'.repeat(33),
        'rock!',
        'golden_hour',
        'café',
        42,
        'Sky  Blue',
      ]),
    ).toEqual(['lighthouse', 'sea-scape', 'golden hour', 'café', 'sky blue']);
    expect(normaliseTags(Array.from({ length: 20 }, (_, i) => `tag ${i}`))).toHaveLength(12);
  });

  it('keeps a description on one line and within 300 characters, cut at a word', () => {
    expect(normaliseDescription('  A lighthouse\n stands\ton a rock. ')).toBe(
      'A lighthouse stands on a rock.',
    );
    const long = normaliseDescription(`${'word '.repeat(100)}end`);
    expect(long.length).toBeLessThanOrEqual(300);
    expect(long.endsWith('word…')).toBe(true);
    expect(() => normaliseDescription('   ')).toThrow(/empty/);
    expect(() => normaliseDescription(42)).toThrow(/not a string/);
  });

  it('converts a beauty score from its scale to an integer 0–100, refusing nonsense', () => {
    expect(normaliseBeauty(7.8, '0-10')).toBe(78);
    expect(normaliseBeauty(0.781, '0-1')).toBe(78);
    expect(normaliseBeauty(77.6, '0-100')).toBe(78);
    expect(() => normaliseBeauty(11, '0-10')).toThrow(/outside/);
    expect(() => normaliseBeauty('7', '0-10')).toThrow(/finite number/);
    expect(() => normaliseBeauty(Number.NaN, '0-10')).toThrow(/finite number/);
  });
});

describe('event routing (EventBridge patterns)', () => {
  const event = (bucket: string, key: string): ObjectCreatedEvent => ({
    source: 'aws.s3',
    'detail-type': 'Object Created',
    time: new Date().toISOString(),
    detail: { bucket: { name: bucket }, object: { key, size: 10 } },
  });
  const id = '7b0c5c1e-6a59-4b6f-9a0e-2f0c1d7f9b11';

  it('matches uploads in our bucket only, under uploads/', () => {
    const pattern = uploadEventPattern('photos');
    expect(matchesPattern(event('photos', uploadKey('user-7', id)), pattern)).toBe(true);
    expect(matchesPattern(event('photos', `thumbnails/user-7/${id}`), pattern)).toBe(false);
    expect(matchesPattern(event('other', uploadKey('user-7', id)), pattern)).toBe(false);
    expect(matchesPattern({ ...event('photos', uploadKey('u', id)), source: 'custom' }, pattern)).toBe(false);
    expect(matchesPattern({ a: 'x.jpg' }, { a: [{ suffix: '.jpg' }] })).toBe(true);
    expect(matchesPattern({ a: 'x.png' }, { a: [{ 'anything-but': ['x.png'] }] })).toBe(false);
  });

  it('reads the job ticket back from the generated key, and nothing from other keys', () => {
    expect(ticketFromObjectCreated(event('photos', uploadKey('user-7', id)))).toEqual({
      bucket: 'photos',
      key: `uploads/user-7/${id}`,
      user_id: 'user-7',
      image_id: id,
    });
    expect(ticketFromObjectCreated(event('photos', 'uploads/user-7/../../etc/passwd'))).toBeNull();
  });
});

describe('the pipeline definition', () => {
  it('names a handler for every task and a real target for every transition', () => {
    const handler = async () => null;
    const steps = Object.fromEntries(STEP_NAMES.map((s) => [s, handler]));
    for (const beautyFailure of ['null', 'fail'] as const) {
      expect(() => assertDefinitionIsRunnable(buildPipeline({ beautyFailure }), steps)).not.toThrow();
    }
    const { notify: _missing, ...incomplete } = steps;
    expect(() => assertDefinitionIsRunnable(buildPipeline({ beautyFailure: 'null' }), incomplete)).toThrow(
      /state Notify uses step notify, which has no handler/,
    );
  });

  it('backs off exponentially with a cap and full jitter', () => {
    const rule = {
      errorEquals: ['X'],
      intervalSeconds: 1,
      maxAttempts: 5,
      backoffRate: 2,
      maxDelaySeconds: 8,
      jitter: 'FULL' as const,
    };
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(rule, n, () => 1))).toEqual([
      1000, 2000, 4000, 8000, 8000,
    ]);
    expect(retryDelayMs(rule, 3, () => 0.25)).toBe(1000);
    expect(retryDelayMs({ ...rule, jitter: 'NONE' }, 2, () => 0)).toBe(2000);
  });
});

describe('configuration', () => {
  it('names the variable and the fix, and never echoes a credential', () => {
    expect(() => loadConfig({ PORT: 'eighty', PHAROS_BEAUTY_FAILURE: 'maybe' })).toThrow(
      /PORT="eighty"[\s\S]*PHAROS_BEAUTY_FAILURE="maybe"/,
    );
    expect(() => loadConfig({ PHAROS_AUTH: 'oidc' })).toThrow(
      /OIDC_ISSUER: is required when PHAROS_AUTH=oidc/,
    );
    expect(() => loadConfig({ PHAROS_LABELS: 'local,magic' })).toThrow(/PHAROS_LABELS/);
    let message = '';
    try {
      loadConfig({ DATABASE_URL: 'postgres://user:hunter2@' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('DATABASE_URL');
    expect(message).not.toContain('hunter2');
  });

  it('has working defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PORT: 8080,
      PHAROS_AUTO_PROCESS: true,
      PHAROS_BEAUTY_FAILURE: 'null',
      PHAROS_LABELS: ['local'],
    });
  });
});
