/** Wraps bytes as the ImageInput the ports expect, for scripts that work on local files. */
import type { CallOptions, ImageInput } from '../../src/core/ports/index.js';

export function imageInput(name: string, bytes: Uint8Array, contentType = 'image/jpeg'): ImageInput {
  return { bucket: 'eval', key: name, contentType, bytes: async () => bytes };
}

export function callOptions(): CallOptions {
  return { signal: new AbortController().signal };
}

export function contentTypeOf(file: string): string {
  return file.toLowerCase().endsWith('.png') ? 'image/png' : 'image/jpeg';
}
