/** The AI providers: the pipeline's external calls (Rekognition's, OpenAI's and SageMaker's roles). */

import type { BeautyScore, Caption, DetectedLabels, Label, ObjectRef, ReadText } from '../domain.js';

export interface CallOptions {
  /** Aborted when the state's timeout fires or the worker shuts down. */
  signal: AbortSignal;
  /**
   * Whether the pipeline would retry this attempt after a failure of that name (from the recorded
   * attempts); a fallback chain moves to its next provider only when the answer is no.
   */
  willRetry?(errorName: string): Promise<boolean>;
}

/** The photo a provider works on: its location, and its bytes on demand (Rekognition can skip them). */
export interface ImageInput extends ObjectRef {
  contentType: string;
  bytes(): Promise<Uint8Array>;
}

export interface LabelDetector {
  readonly name: string;
  detect(image: ImageInput, options: CallOptions): Promise<DetectedLabels>;
}

export interface Describer {
  readonly name: string;
  /** Turns filtered labels (and, only in an opt-in vision mode, the image) into a caption and tags. */
  describe(input: { labels: Label[]; image: ImageInput }, options: CallOptions): Promise<Caption>;
}

/** A scorer answers on its own scale; the core normalises to an integer 0–100 (`normaliseBeauty`). */
export interface BeautyScorer {
  readonly name: string;
  score(image: ImageInput, options: CallOptions): Promise<BeautyScore>;
}

/** Reads the text in a photo (signs, documents, screenshots): OCR, as its own provider. */
export interface TextReader {
  readonly name: string;
  read(image: ImageInput, options: CallOptions): Promise<ReadText>;
}
