/**
 * The image half of @gutenye/ocr-common's backend, on Pharos's own sharp (the @gutenye/ocr-node
 * package would bring a second sharp and a second libvips into the process). ocr-common calls
 * `ImageRaw.open(input)` with whatever `Ocr.detect` was given: here a photo's bytes and the longest
 * side to read it at, never a path. Pixels travel as RGBA, as ocr-common expects.
 */
import type { ImageRawBase, ImageRawData, SizeOption } from '@gutenye/ocr-common';
import sharp from 'sharp';
import { permanentError } from '../../core/errors.js';

const MAX_INPUT_PIXELS = 100_000_000;

/** What `Ocr.detect` is handed: the photo, and the longest side its text is detected and read at. */
export interface OcrPhoto {
  bytes: Uint8Array;
  side: number;
}

/**
 * Decodes a photo for OCR: EXIF orientation applied, transparency on white, RGBA, and scaled so its
 * longest side is `side`: a 12 MP photo is not detected at full size (ocr-common would), and a small
 * photo's small text is enlarged to a size the detector finds (tuning half: recall rose from 37% to
 * 48% of words when photos under 1280 px were enlarged rather than read as they are).
 */
export async function decodeForOcr({ bytes, side }: OcrPhoto): Promise<ImageRawData> {
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
      .rotate()
      .resize(side, side, { fit: 'inside' })
      .flatten({ background: '#ffffff' })
      .ensureAlpha(1)
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height };
  } catch (error) {
    throw permanentError('image could not be decoded for text reading', error);
  }
}

async function resized({ data, width, height }: ImageRawData, size: SizeOption): Promise<ImageRawData> {
  const out = await sharp(data, { raw: { width, height, channels: 4 } })
    .resize({ width: size.width, height: size.height, fit: 'contain' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: out.data, width: out.info.width, height: out.info.height };
}

/** The ImageRaw class for registerBackend, built on ocr-common's base class (loaded on first use). */
export function imageRawClass(Base: typeof ImageRawBase) {
  return class ImageRaw extends Base {
    /** A copy: ocr-common hands over line crops as views into opencv's wasm heap, which moves as it grows. */
    constructor({ data, width, height }: ImageRawData) {
      super({ data: Uint8Array.from(data), width, height });
    }

    static async open(photo: OcrPhoto): Promise<ImageRaw> {
      return new ImageRaw(await decodeForOcr(photo));
    }

    /** Detection resizes to multiples of 32, recognition each line to 48 px high. */
    async resize(size: SizeOption): Promise<ImageRaw> {
      return new ImageRaw(await resized(this, size));
    }
  };
}
