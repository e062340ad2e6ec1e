/** The photo as the system of record keeps it, and the repository ports that are its only doors. */

import type { BeautyScore, Caption, ImageSort, ImageStatus, Label } from '../domain.js';
import type { PhotoMetadata } from './media.js';

export interface ImageRecord {
  id: string;
  user_id: string;
  filename: string;
  content_type: string;
  bytes: number;
  width: number;
  height: number;
  bucket: string;
  object_key: string;
  thumbnail_key: string;
  auto_process: boolean;
  status: ImageStatus;
  description: string | null;
  tags: string[];
  beauty_score: number | null;
  beauty_raw: unknown;
  labels: Label[];
  /** The text read from the photo (OCR), when a text reader ran. */
  text_content?: string | null;
  provenance: Record<string, unknown> | null;
  error: string | null;
  error_cause: string | null;
  current_execution_id: string | null;
  created_at: string;
  updated_at: string;
  processing_started_at: string | null;
  processed_at: string | null;
  /** EXIF metadata read at inspection (null: none in the file, or not inspected yet). */
  photo_metadata: PhotoMetadata | null;
  /** The instant photo_metadata.taken_at names (a zone-less time read as UTC); the "date taken" sort. */
  taken_at: string | null;
  /** Perceptual hash, 32 hex digits (see ImageInspection). */
  phash: string | null;
  /**
   * The near-duplicate group: set with the hash, to the group of the owner's closest photo within
   * NEAR_DUPLICATE_BITS, else to the photo's own id (null without a hash).
   */
  duplicate_group: string | null;
  /** In a list: how many other photos of the owner share duplicate_group. */
  duplicates_count?: number;
}

export type NewImage = Pick<
  ImageRecord,
  | 'id'
  | 'user_id'
  | 'filename'
  | 'content_type'
  | 'bytes'
  | 'width'
  | 'height'
  | 'bucket'
  | 'object_key'
  | 'thumbnail_key'
  | 'auto_process'
> &
  Partial<Pick<ImageRecord, 'photo_metadata' | 'taken_at' | 'phash'>> & {
    /** UPLOADING for a direct-upload slot (the bytes are still to come); UPLOADED by default. */
    status?: 'UPLOADING';
  };

/** A photo near-identical to another, with how many of the 128 hash bits differ (0 = same picture). */
export interface NearDuplicate {
  image: ImageRecord;
  distance: number;
}

export interface ImageQuery {
  status?: ImageStatus;
  /** Normalised: lowercase, no leading `#` (see search.ts). */
  tag?: string;
  /** Normalised search words (see search.ts); every one must match. */
  terms?: string[];
  /** Only the photos of this near-duplicate group. */
  duplicateGroup?: string;
  sort: ImageSort;
  limit: number;
  cursor?: string;
}

export interface ImageRepository {
  insert(image: NewImage): Promise<ImageRecord>;
  /** Scoped to the owner: another user's photo is simply not found. */
  get(id: string, userId: string): Promise<ImageRecord | null>;
  getById(id: string): Promise<ImageRecord | null>;
  list(userId: string, query: ImageQuery): Promise<{ items: ImageRecord[]; next_cursor: string | null }>;
  delete(id: string, userId: string): Promise<ImageRecord | null>;
  /** The owner's other photos whose perceptual hash is within maxDistance bits, closest first. */
  nearDuplicates(id: string, userId: string, maxDistance: number): Promise<NearDuplicate[]>;
  /** Photos still UPLOADING `olderThanSeconds` after their slot was made, oldest first. */
  findExpiredUploads(olderThanSeconds: number, limit: number): Promise<ImageRecord[]>;
}

/**
 * What InspectImage reads and writes: the bytes' real type, size and dimensions replace the claims,
 * with the EXIF metadata, its taken-at instant and the perceptual hash.
 */
export interface InspectionRepository {
  getById(id: string): Promise<ImageRecord | null>;
  recordInspection(
    id: string,
    inspection: Pick<
      ImageRecord,
      'content_type' | 'bytes' | 'width' | 'height' | 'photo_metadata' | 'taken_at' | 'phash'
    >,
  ): Promise<void>;
}

/** PostgreSQL's role in the pipeline: the system of record for results. */
export interface ResultsRepository {
  /** One transaction: outputs, status READY, processed_at. False when a newer execution owns the image. */
  saveResults(input: {
    image_id: string;
    execution_id: string;
    labels: Label[];
    caption: Caption;
    beauty: BeautyScore;
    /** The text read from the photo (OCR); null or absent when no text reader ran. */
    text?: string | null;
    provenance: Record<string, unknown>;
  }): Promise<{ processed_at: string } | null>;
  markFailed(input: {
    image_id: string;
    execution_id: string;
    error: string;
    cause: string;
  }): Promise<boolean>;
}
