/** Decoding and thumbnails (sharp locally; the same code runs in Lambda). */

import type { StoredObject } from './runtime.js';

/** What an upload turned out to be, read from its bytes (never from the client's claims). */
export interface ImageProbe {
  format: string;
  contentType: string;
  /** Displayed size: EXIF orientation already applied. */
  width: number;
  height: number;
}

/** Decoding and thumbnails (sharp locally; the same code runs in Lambda). */
export interface ImageCodec {
  /** Fully decodes the image (so truncation is caught) and returns its probe and a thumbnail. */
  inspect(bytes: Uint8Array): Promise<{ probe: ImageProbe; thumbnail: StoredObject }>;
}
