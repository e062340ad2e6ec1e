/**
 * Reads an evaluation MANIFEST.tsv: one photo per row, with the labels a good detector should find,
 * a person's 1–10 quality rating and, for photos with legible text, the words in it.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ManifestEntry {
  file: string;
  description: string;
  expectedLabels: string[];
  /** 1–10 (1–3 poor, 4–6 ordinary snapshot, 7–8 good, 9–10 excellent); null when not rated. */
  quality: number | null;
  /** The legible words in the photo, as a person reads them; empty when it shows no text. */
  text: string;
}

/** Photos the manifest marks as already degraded are never used as "originals" in degraded pairs. */
export function isAlreadyPoor(entry: Pick<ManifestEntry, 'description'>): boolean {
  return /^(DERIVED )?POOR:/.test(entry.description);
}

export async function readManifest(folder: string): Promise<Map<string, ManifestEntry>> {
  const entries = new Map<string, ManifestEntry>();
  let text: string;
  try {
    text = await readFile(join(folder, 'MANIFEST.tsv'), 'utf8');
  } catch {
    return entries; // a folder without a manifest is still evaluated, just without expected labels
  }
  const [header, ...rows] = text.split('\n').filter((line) => line.trim());
  const columns = (header ?? '').split('\t');
  const cell = (cells: string[], name: string) => {
    const index = columns.indexOf(name);
    return index < 0 ? '' : (cells[index] ?? '');
  };
  for (const row of rows) {
    const cells = row.split('\t');
    const file = cell(cells, 'file');
    if (!file) continue;
    const quality = Number.parseFloat(cell(cells, 'quality_1_10'));
    entries.set(file, {
      file,
      description: cell(cells, 'description'),
      expectedLabels: cell(cells, 'labels')
        .split(';')
        .map((l) => l.trim())
        .filter(Boolean),
      quality: Number.isFinite(quality) ? quality : null,
      text: cell(cells, 'text').trim(),
    });
  }
  return entries;
}
