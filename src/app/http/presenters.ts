/** Records → the API's JSON shapes (snake_case, the seed's field names). */
import type { ImageStatus } from '../../core/domain.js';
import type { ImageRecord } from '../../core/ports/index.js';

/** The EXIF metadata as the API shows it: the GPS position only when the deployment allows it. */
function photoOf(image: ImageRecord, gps: boolean) {
  if (!image.photo_metadata) return null;
  return { ...image.photo_metadata, gps: gps ? image.photo_metadata.gps : null };
}

export interface PresentOptions {
  /** Include the GPS position (the owner's own detail, with PHAROS_GPS=owner). */
  gps?: boolean;
}

export function toMetadata(
  image: ImageRecord,
  status: { status: ImageStatus; updated_at: string } = image,
  options: PresentOptions = {},
) {
  const exifTime = image.photo_metadata?.taken_at ?? null;
  return {
    image_id: image.id,
    filename: image.filename,
    content_type: image.content_type,
    bytes: image.bytes,
    width: image.width,
    height: image.height,
    created_at: image.created_at,
    updated_at: status.updated_at,
    status: status.status,
    auto_process: image.auto_process,
    // "Date taken": the camera's time when EXIF has one, otherwise the upload time, said as such.
    taken_at: exifTime ?? image.created_at,
    taken_at_source: exifTime ? ('exif' as const) : ('upload' as const),
    photo: photoOf(image, options.gps ?? false),
  };
}

const errorText = (image: ImageRecord) =>
  image.error ? (image.error_cause ? `${image.error}: ${image.error_cause}` : image.error) : null;

export function toAiResults(image: ImageRecord) {
  return {
    image_id: image.id,
    status: image.status,
    description: image.description,
    tags: image.tags,
    beauty_score: image.beauty_score,
    labels: image.labels.map(({ name, confidence }) => ({ name, confidence })),
    text: image.text_content ?? null,
    processed_at: image.processed_at,
    error: errorText(image),
    provenance: image.provenance,
  };
}

export function toListItem(image: ImageRecord) {
  return {
    ...toMetadata(image),
    description: image.description,
    tags: image.tags,
    beauty_score: image.beauty_score,
    processed_at: image.processed_at,
    error: errorText(image),
    duplicate_group: image.duplicate_group ?? null,
    duplicates_count: image.duplicates_count ?? 0,
  };
}
