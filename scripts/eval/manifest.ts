/** Reads the fixture MANIFEST.tsv: one photo per row, with the labels a good detector should find. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ManifestEntry {
  file: string;
  description: string;
  expectedLabels: string[];
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
  const col = (name: string) => columns.indexOf(name);
  for (const row of rows) {
    const cells = row.split('\t');
    const file = cells[col('file')];
    if (!file) continue;
    entries.set(file, {
      file,
      description: cells[col('description')] ?? '',
      expectedLabels: (cells[col('labels')] ?? '')
        .split(';')
        .map((l) => l.trim())
        .filter(Boolean),
    });
  }
  return entries;
}
