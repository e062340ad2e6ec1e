/** Helpers for driving provider adapters outside the pipeline: an image input and a call signal. */
import type { ImageInput } from '../../src/core/ports/index.js';

export function imageFrom(
  bytes: Uint8Array,
  key = 'uploads/u1/img1',
  bucket = 'pharos-photos',
  contentType = 'image/jpeg',
): ImageInput {
  return { bucket, key, contentType, bytes: async () => bytes };
}

export const callOptions = (timeoutMs = 10_000) => ({ signal: AbortSignal.timeout(timeoutMs) });

/** The error's pipeline name (Provider.Transient, …) and message, for assertions. */
export async function failureOf(promise: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return { name: (error as Error).name, message: (error as Error).message };
  }
  throw new Error('expected the call to fail');
}
