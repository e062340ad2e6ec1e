/**
 * Prepares a photo for a remote model: EXIF orientation applied, long edge capped, JPEG re-encoded
 * until it fits a byte budget. Models see small images anyway; sending less is faster and cheaper.
 */
import sharp from 'sharp';

export interface DownscaleOptions {
  /** Long edge in pixels; the image is never enlarged. */
  maxEdge: number;
  /** Hard byte limit of the service (Rekognition: 5 MB for bytes). */
  maxBytes: number;
}

export interface PreparedImage {
  bytes: Uint8Array;
  contentType: 'image/jpeg' | 'image/png';
  width: number;
  height: number;
}

/** Returns the bytes untouched when they already suit (an accepted format, within both limits). */
export async function prepareForModel(
  bytes: Uint8Array,
  options: DownscaleOptions & { keepFormats?: readonly ('image/jpeg' | 'image/png')[] },
): Promise<PreparedImage> {
  const metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
  const width = metadata.autoOrient?.width ?? metadata.width ?? 0;
  const height = metadata.autoOrient?.height ?? metadata.height ?? 0;
  const format = metadata.format === 'jpeg' ? 'image/jpeg' : metadata.format === 'png' ? 'image/png' : null;
  const oriented = (metadata.orientation ?? 1) === 1;
  if (
    format &&
    options.keepFormats?.includes(format) &&
    oriented &&
    bytes.byteLength <= options.maxBytes &&
    Math.max(width, height) <= options.maxEdge
  ) {
    return { bytes, contentType: format, width, height };
  }
  let edge = options.maxEdge;
  for (let quality = 85; ; quality -= 10) {
    const { data, info } = await sharp(bytes, { limitInputPixels: false })
      .rotate()
      .resize({ width: edge, height: edge, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality })
      .toBuffer({ resolveWithObject: true });
    if (data.byteLength <= options.maxBytes) {
      return {
        bytes: new Uint8Array(data),
        contentType: 'image/jpeg',
        width: info.width,
        height: info.height,
      };
    }
    if (quality <= 45) {
      if (edge <= 64) throw new Error(`image does not fit in ${options.maxBytes} bytes`);
      edge = Math.floor(edge * 0.7);
      quality = 95;
    }
  }
}
