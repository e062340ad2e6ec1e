/**
 * What an inspection of the bytes puts on the photo's record — the real type, size and dimensions,
 * the EXIF metadata, the instant it names and the perceptual hash — in one place, so the multipart
 * route (inspected before the row exists) and InspectImage (direct uploads, in both runtimes) store
 * exactly the same fields.
 */
import type { ImageInspection, ImageRecord, PhotoMetadata } from './ports/index.js';

export type InspectedFields = Pick<
  ImageRecord,
  'content_type' | 'bytes' | 'width' | 'height' | 'photo_metadata' | 'taken_at' | 'phash'
>;

/** The instant an EXIF time names; a time without a zone is read as UTC (and said so in the API). */
export function takenInstant(metadata: PhotoMetadata | null): string | null {
  if (!metadata?.taken_at) return null;
  const instant = new Date(metadata.taken_at_has_zone ? metadata.taken_at : `${metadata.taken_at}Z`);
  return Number.isNaN(instant.getTime()) ? null : instant.toISOString();
}

export function inspectedFields(inspection: ImageInspection, bytes: number): InspectedFields {
  return {
    content_type: inspection.probe.contentType,
    bytes,
    width: inspection.probe.width,
    height: inspection.probe.height,
    photo_metadata: inspection.metadata,
    taken_at: takenInstant(inspection.metadata),
    phash: inspection.phash,
  };
}
