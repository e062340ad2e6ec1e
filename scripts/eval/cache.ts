/**
 * The evaluation's measurement cache: model outputs and pixel measurements per photo (keyed by the
 * photo's bytes), so re-running the rules and formulas after a change takes seconds, not minutes.
 * `--fresh` ignores it.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Per kind of measurement; bump one when what it measures changes. */
const CACHE_VERSION: Record<string, string> = { labels: '3-160', beauty: '3', pairs: '3', text: '1' };
const DIR = join(tmpdir(), 'pharos-eval-cache');

function pathOf(kind: string, bytes: Uint8Array): string {
  const hash = createHash('sha256')
    .update(CACHE_VERSION[kind] ?? '1')
    .update(kind)
    .update(bytes)
    .digest('hex');
  return join(DIR, `${kind}-${hash.slice(0, 32)}.json`);
}

export async function cached<T>(
  kind: string,
  bytes: Uint8Array,
  fresh: boolean,
  make: () => Promise<T>,
): Promise<T> {
  const path = pathOf(kind, bytes);
  if (!fresh) {
    try {
      return JSON.parse(await readFile(path, 'utf8')) as T;
    } catch {
      // not cached yet
    }
  }
  const value = await make();
  await mkdir(DIR, { recursive: true });
  await writeFile(path, JSON.stringify(value));
  return value;
}
