/**
 * Decoding for the beauty scorer: sharp decodes (any format it knows), honours EXIF orientation,
 * flattens to 8-bit sRGB without alpha and shrinks large photos to a working size, so scoring
 * costs the same for a 12 MP photo as for a 1 MP one and resolution-dependent signals are
 * measured at a comparable scale. Smaller photos are never enlarged.
 */
import sharp from 'sharp';
import type { RgbPixels } from './brisque.js';

/** Longest side of the working image: the LIVE database BRISQUE was trained on is 768x512 photos. */
export const WORKING_MAX_SIDE = 768;

export interface DecodedPhoto {
  /** 8-bit sRGB, 3 channels, at most `WORKING_MAX_SIDE` on the longest side. */
  pixels: RgbPixels;
  /** Displayed size of the upload (after EXIF rotation), before any shrinking. */
  originalWidth: number;
  originalHeight: number;
}

export async function decodeForScoring(
  bytes: Uint8Array,
  maxSide: number = WORKING_MAX_SIDE,
): Promise<DecodedPhoto> {
  const input = sharp(bytes, { failOn: 'error' });
  const meta = await input.metadata();
  const originalWidth = meta.autoOrient?.width ?? meta.width;
  const originalHeight = meta.autoOrient?.height ?? meta.height;
  if (!originalWidth || !originalHeight) throw new Error('image has no dimensions');
  const { data, info } = await input
    .rotate()
    .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return {
    pixels: {
      width: info.width,
      height: info.height,
      channels: info.channels,
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    },
    originalWidth,
    originalHeight,
  };
}
