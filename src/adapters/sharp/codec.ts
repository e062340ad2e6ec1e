/**
 * Upload inspection with file-type (what the bytes are), sharp (decode, orientation, thumbnail,
 * perceptual hash) and exifr (the photo's EXIF metadata).
 * Only raster formats are accepted: SVG and other document formats are refused as hostile input.
 */
import { fileTypeFromBuffer } from 'file-type';
import { imageSize } from 'image-size';
import sharp, { type Metadata } from 'sharp';
import { AppError } from '../../core/errors.js';
import type { ImageCodec, ImageInspection, StoredObject } from '../../core/ports/index.js';
import { readPhotoMetadata } from '../exifr/photo-metadata.js';
import { differenceHash } from './phash.js';
import { prepareForModel } from './downscale.js';

// libvips' operation cache (process-wide, AI threads included) pays off only when the same image is
// processed again, which Pharos never does; off, an upload burst peaks ~70 MB lower (bench P4).
sharp.cache(false);

const ACCEPTED: Record<string, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  tiff: 'image/tiff',
  avif: 'image/avif',
  heif: 'image/heif',
};

/**
 * The largest canvas the file declares, read from its header by image-size: a GIF's logical screen, a
 * WebP's VP8X canvas, every image of a HEIF/ICO. A decoder may allocate it even when sharp reports a
 * smaller first frame, so it counts in the pixel limit.
 */
function declaredCanvas(bytes: Uint8Array): { width: number; height: number } | null {
  try {
    const size = imageSize(bytes);
    const all = [size, ...(size.images ?? [])];
    return all.reduce((a, b) => (b.width * b.height > a.width * a.height ? b : a));
  } catch {
    return null; // not a format image-size knows: sharp's own dimensions stand
  }
}

export interface SharpCodecOptions {
  maxPixels: number;
  thumbnailSize?: number;
}

export class SharpImageCodec implements ImageCodec {
  constructor(private readonly options: SharpCodecOptions) {}

  /** Long edge up to 4096 px, re-encoded until it fits: labels need far fewer pixels than that. */
  async renderJpeg(bytes: Uint8Array, maxBytes: number): Promise<StoredObject> {
    const prepared = await prepareForModel(bytes, { maxEdge: 4096, maxBytes });
    return { bytes: prepared.bytes, contentType: prepared.contentType };
  }

  async inspect(bytes: Uint8Array): Promise<ImageInspection> {
    if (bytes.byteLength === 0) throw new AppError(400, 'empty_file', 'the file is empty');
    const sniffed = await fileTypeFromBuffer(bytes);
    if (sniffed && !sniffed.mime.startsWith('image/')) {
      throw new AppError(415, 'unsupported_media_type', `the file is ${sniffed.mime}, not an image`);
    }
    let metadata: Metadata;
    try {
      metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
    } catch {
      throw new AppError(
        415,
        'unsupported_media_type',
        'the file is not an image in a supported format (JPEG, PNG, WebP, GIF, TIFF, AVIF, HEIF)',
      );
    }
    const contentType = metadata.format ? ACCEPTED[metadata.format] : undefined;
    if (!contentType) {
      throw new AppError(
        415,
        'unsupported_media_type',
        `image format ${metadata.format ?? 'unknown'} is not accepted`,
      );
    }
    const width = metadata.autoOrient?.width ?? metadata.width;
    const height = metadata.autoOrient?.height ?? metadata.height;
    if (!width || !height) throw new AppError(400, 'invalid_image', 'the image has no dimensions');
    // Checked from the header before decoding, so a decompression bomb is never expanded.
    const canvas = declaredCanvas(bytes);
    const fromCanvas = canvas !== null && canvas.width * canvas.height > width * height;
    const [w, h] = fromCanvas ? [canvas.width, canvas.height] : [width, height];
    if (w * h > this.options.maxPixels) {
      throw new AppError(
        413,
        'too_many_pixels',
        `the image ${fromCanvas ? 'declares a canvas of' : 'is'} ${w}x${h} (${((w * h) / 1e6).toFixed(1)} MP); the limit is ${(this.options.maxPixels / 1e6).toFixed(1)} MP`,
      );
    }
    const size = this.options.thumbnailSize ?? 320;
    let thumbnail: Buffer;
    try {
      thumbnail = await sharp(bytes, {
        limitInputPixels: this.options.maxPixels,
        failOn: 'truncated',
        animated: false,
      })
        .rotate()
        .resize(size, size, { fit: 'inside', withoutEnlargement: true })
        .flatten({ background: '#ffffff' })
        .jpeg({ quality: 80 })
        .toBuffer();
    } catch (error) {
      throw new AppError(
        400,
        'invalid_image',
        `the image could not be decoded: ${(error as Error).message.split('\n')[0]}`,
      );
    }
    // The hash is taken from the (upright, decoded) thumbnail: the same picture, a fraction of the work.
    const [photoMetadata, phash] = await Promise.all([readPhotoMetadata(bytes), differenceHash(thumbnail)]);
    return {
      probe: { format: metadata.format!, contentType, width, height },
      thumbnail: { bytes: thumbnail, contentType: 'image/jpeg' },
      metadata: photoMetadata,
      phash,
    };
  }
}
