/**
 * Text read from a photo joins its labels: a `Text` label when words were found, and the text itself
 * carried to SaveResults. A failing text reader never fails the photo (labels are worth more than
 * its text); the failure is recorded in place of the text.
 */
import type { DetectedLabels, ReadText } from './domain.js';
import type { CallOptions, ImageInput, TextReader } from './ports/index.js';

export const TEXT_LABEL = 'Text';

export async function readTextOrError(
  reader: TextReader,
  image: ImageInput,
  call: CallOptions,
): Promise<ReadText> {
  try {
    const read = await reader.read(image, call);
    if (typeof read?.text !== 'string') throw new Error('text reader returned no text');
    return read;
  } catch (error) {
    if (call.signal.aborted) throw error; // a timeout or shutdown is the state's, not the reader's
    return {
      text: '',
      words: 0,
      confidence: 0,
      provenance: { provider: reader.name, model: 'unknown', version: 'unknown' },
      error: error instanceof Error ? error.message : String(error),
    };
  }
}

export function withReadText(detected: DetectedLabels, read: ReadText): DetectedLabels {
  if (!read.text || read.words < 1) return { ...detected, text: read };
  const confidence = Math.min(99, Math.max(0, read.confidence));
  const others = detected.labels.filter((l) => l.name !== TEXT_LABEL);
  const existing = detected.labels.find((l) => l.name === TEXT_LABEL);
  const text = { name: TEXT_LABEL, confidence: Math.max(confidence, existing?.confidence ?? 0) };
  const labels = [...others, text].sort(
    (a, b) => b.confidence - a.confidence || a.name.localeCompare(b.name),
  );
  return { ...detected, labels, text: read };
}
