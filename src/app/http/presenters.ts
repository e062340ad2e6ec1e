/** Records → the API's JSON shapes (snake_case, the seed's field names). */
import type { ImageStatus } from '../../core/domain.js';
import type { ImageRecord } from '../../core/ports/index.js';

export function toMetadata(image: ImageRecord, status: { status: ImageStatus; updated_at: string } = image) {
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
  };
}
