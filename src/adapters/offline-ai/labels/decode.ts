/** Turns uploaded bytes into a small RGB raster for the models, or a permanent error if they are not an image. */
import sharp from 'sharp';
import { permanentError } from '../../../core/errors.js';

export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Largest side handed to the models; centernet works at 512x512, so more pixels only cost time. */
export const MODEL_INPUT_SIDE = 512;

/** Refuses absurd dimensions before decoding (a decompression bomb would exhaust memory). */
const MAX_INPUT_PIXELS = 100_000_000;

export async function decodeRgb(bytes: Uint8Array, maxSide = MODEL_INPUT_SIDE): Promise<RgbImage> {
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
      .rotate() // honour EXIF orientation before anything looks at the pixels
      .resize(maxSide, maxSide, { fit: 'inside', withoutEnlargement: true })
      .flatten({ background: { r: 255, g: 255, b: 255 } }) // alpha over white, as a viewer shows it
      .toColourspace('srgb')
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`unexpected channel count ${info.channels}`);
    return {
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      width: info.width,
      height: info.height,
    };
  } catch (error) {
    throw permanentError(
      `image could not be decoded: ${error instanceof Error ? error.message : String(error)}`,
      error,
    );
  }
}
