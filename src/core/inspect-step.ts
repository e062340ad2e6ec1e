/**
 * InspectImage, the pipeline's first state: bytes may now arrive without passing the API (direct
 * uploads), so the pipeline checks them itself, in both runtimes — the type sniffed from the bytes, the
 * pixel limit (declared canvas included), a full decode, the thumbnail, the EXIF metadata and the
 * perceptual hash stored on the record (see inspection.ts) — and makes a JPEG rendition for
 * providers that take only JPEG or PNG up to 5 MB (Rekognition via S3Object), so WebP, GIF, TIFF, AVIF
 * and HEIF work there too. A refused file ends FAILED with the codec's reason (`Image.Rejected`, never
 * retried) and its object is removed.
 *
 * The multipart route already inspected its bytes before storing them (it refuses bad files
 * synchronously, with a 4xx): for those the record holds the probe, and only the rendition, if one is
 * needed, is made — no second decode of a photo that passed.
 */
import { renditionKey } from './events.js';
import { AppError, ErrorNames, PipelineError } from './errors.js';
import { inspectedFields } from './inspection.js';
import type { PipelineDocument } from './pipeline.js';
import type { ImageCodec, InspectionRepository, ObjectStorage } from './ports/index.js';
import type { StepOutputs } from './step-outputs.js';

/** What providers that need a rendition accept as they are (Rekognition's image bytes limit). */
export const PROVIDER_FORMATS = ['image/jpeg', 'image/png'];
export const RENDITION_MAX_BYTES = 5 * 1024 * 1024;

export interface InspectDependencies {
  storage: ObjectStorage;
  codec: ImageCodec;
  inspections: InspectionRepository;
}

const needsRendition = (contentType: string, bytes: number) =>
  !PROVIDER_FORMATS.includes(contentType) || bytes > RENDITION_MAX_BYTES;

async function original(storage: ObjectStorage, key: string): Promise<Uint8Array> {
  try {
    return (await storage.get(key)).bytes;
  } catch (error) {
    if (error instanceof AppError && error.status === 404)
      throw new PipelineError(ErrorNames.ImageMissing, 'the photo is no longer in storage');
    throw error;
  }
}

export async function inspectImage(
  deps: InspectDependencies,
  doc: PipelineDocument,
): Promise<StepOutputs['inspectImage']> {
  const image = await deps.inspections.getById(doc.image_id);
  if (!image) throw new PipelineError(ErrorNames.ImageMissing, 'the photo was deleted');
  const render = async (bytes: Uint8Array) => {
    const jpeg = await deps.codec.renderJpeg(bytes, RENDITION_MAX_BYTES);
    const key = renditionKey(image.user_id, image.id);
    await deps.storage.put(key, jpeg.bytes, jpeg.contentType);
    return { key, content_type: jpeg.contentType };
  };
  if (image.width > 0) {
    return {
      content_type: image.content_type,
      width: image.width,
      height: image.height,
      bytes: image.bytes,
      rendition: needsRendition(image.content_type, image.bytes)
        ? await render(await original(deps.storage, doc.key))
        : null,
    };
  }
  const bytes = await original(deps.storage, doc.key);
  let inspected: Awaited<ReturnType<ImageCodec['inspect']>>;
  try {
    inspected = await deps.codec.inspect(bytes);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    // A refused file is not kept: the record stays, FAILED with this reason.
    await deps.storage.delete(doc.key);
    throw new PipelineError(ErrorNames.ImageRejected, error.message);
  }
  const { probe, thumbnail } = inspected;
  await deps.storage.put(image.thumbnail_key, thumbnail.bytes, thumbnail.contentType);
  const rendition = needsRendition(probe.contentType, bytes.byteLength) ? await render(bytes) : null;
  // The same fields the multipart route stores: type, size, dimensions, EXIF, taken-at and hash.
  await deps.inspections.recordInspection(image.id, inspectedFields(inspected, bytes.byteLength));
  return {
    content_type: probe.contentType,
    width: probe.width,
    height: probe.height,
    bytes: bytes.byteLength,
    rendition,
  };
}
