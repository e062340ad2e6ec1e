/** Expands the upload arguments: files as given, folders walked recursively, non-images skipped. */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileTypeFromFile } from 'file-type';

export interface Candidate {
  path: string;
  /** Measured when the folders are walked: the size a direct upload declares for its slot. */
  bytes: number;
  /** The type sniffed from the bytes (image/…). */
  type: string;
}

export interface Skipped {
  path: string;
  reason: string;
}

async function* walk(dir: string): AsyncGenerator<string> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue; // .DS_Store, .git and friends
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else if (entry.isFile()) yield full;
  }
}

/** Decides by the bytes (magic numbers), never by the extension: a renamed PDF is skipped. */
async function imageKind(file: string): Promise<string | null> {
  const type = await fileTypeFromFile(file).catch(() => undefined);
  return type && type.mime.startsWith('image/') ? type.mime : null;
}

export async function collectImages(inputs: string[]): Promise<{ images: Candidate[]; skipped: Skipped[] }> {
  const images: Candidate[] = [];
  const skipped: Skipped[] = [];
  const seen = new Set<string>();
  const consider = async (file: string) => {
    const resolved = path.resolve(file);
    if (seen.has(resolved)) return;
    seen.add(resolved);
    const info = await stat(file);
    if (info.size === 0) return skipped.push({ path: file, reason: 'empty file' });
    const type = await imageKind(file);
    if (!type) return skipped.push({ path: file, reason: 'not an image' });
    images.push({ path: file, bytes: info.size, type });
  };
  for (const input of inputs) {
    let info;
    try {
      info = await stat(input);
    } catch {
      skipped.push({ path: input, reason: 'no such file or folder' });
      continue;
    }
    if (info.isDirectory()) {
      for await (const file of walk(input)) await consider(file);
    } else {
      await consider(input);
    }
  }
  return { images, skipped };
}
