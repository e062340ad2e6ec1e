/**
 * ImageService: uploads, reads and deletes, scoped to the owner. An upload is inspected fully before
 * anything is stored, so a rejected upload leaves nothing behind; the original is stored last, and
 * that put is the "Object Created" event that starts processing.
 */
import { renditionKey, thumbnailKey, uploadKey } from './events.js';
import { AppError } from './errors.js';
import { inspectedFields } from './inspection.js';
import type { ImageRecord, ImageRepository, NearDuplicate } from './ports/index.js';
import type { Logger } from './ports/index.js';
import type { ImageCodec, ObjectStorage, StatusRecord, StatusStore, StoredObject } from './ports/index.js';
import { type ListRequest, toImageQuery } from './search.js';

export interface ImageServiceDependencies {
  images: ImageRepository;
  storage: ObjectStorage;
  codec: ImageCodec;
  status: StatusStore;
  logger: Logger;
  maxUploadBytes: number;
  autoProcess: boolean;
}

export function cleanFilename(name: string | undefined): string {
  const base = (name ?? '')
    .split(/[\\/]/)
    .pop()!
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim();
  return (base || 'upload').slice(0, 255);
}

/**
 * At most this many of the 128 dHash bits may differ for two photos to count as near-duplicates: on
 * the fixture photos a resized, recompressed or darkened copy differed in 1–8, unrelated photos in 32+.
 */
export const NEAR_DUPLICATE_BITS = 16;

export class ImageService {
  constructor(private readonly deps: ImageServiceDependencies) {}

  async upload(
    userId: string,
    file: { filename?: string; bytes: Uint8Array; process?: boolean },
  ): Promise<ImageRecord> {
    const { deps } = this;
    if (file.bytes.byteLength > deps.maxUploadBytes) {
      throw new AppError(413, 'payload_too_large', `the file is larger than ${deps.maxUploadBytes} bytes`);
    }
    const inspection = await deps.codec.inspect(file.bytes);
    const { probe, thumbnail } = inspection;
    const id = crypto.randomUUID();
    const objectKey = uploadKey(userId, id);
    const thumbKey = thumbnailKey(userId, id);
    await deps.storage.put(thumbKey, thumbnail.bytes, thumbnail.contentType);
    let image: ImageRecord | null = null;
    try {
      image = await deps.images.insert({
        id,
        user_id: userId,
        filename: cleanFilename(file.filename),
        ...inspectedFields(inspection, file.bytes.byteLength),
        bucket: deps.storage.bucket,
        object_key: objectKey,
        thumbnail_key: thumbKey,
        auto_process: file.process ?? deps.autoProcess,
      });
      await deps.status.put({
        image_id: id,
        user_id: userId,
        status: 'UPLOADED',
        execution_seq: 0,
        execution_id: null,
      });
      await deps.storage.put(objectKey, file.bytes, probe.contentType);
      return image;
    } catch (error) {
      deps.logger.error(
        { err: error, image_id: id },
        'upload failed after inspection; removing what was stored',
      );
      await Promise.allSettled([
        deps.storage.delete(thumbKey),
        deps.storage.delete(objectKey),
        image ? deps.images.delete(id, userId) : Promise.resolve(),
        deps.status.delete(id),
      ]);
      throw error;
    }
  }

  async get(userId: string, imageId: string): Promise<ImageRecord> {
    const image = await this.deps.images.get(imageId, userId);
    if (!image) throw new AppError(404, 'not_found', 'image not found');
    return image;
  }

  /** The fast status (the status store), falling back to the record when the store has none yet. */
  async status(image: ImageRecord): Promise<Pick<StatusRecord, 'status' | 'updated_at'>> {
    const fast = await this.deps.status.get(image.id);
    return fast ?? { status: image.status, updated_at: image.updated_at };
  }

  /** A page of the owner's photos, filtered, searched and sorted by the rule in search.ts. */
  list(userId: string, request: ListRequest) {
    return this.deps.images.list(userId, toImageQuery(request));
  }

  /** The owner's near-duplicates of a photo (perceptual hashes within NEAR_DUPLICATE_BITS), closest first. */
  async duplicates(userId: string, imageId: string): Promise<NearDuplicate[]> {
    const image = await this.get(userId, imageId);
    if (!image.phash) return [];
    return this.deps.images.nearDuplicates(image.id, userId, NEAR_DUPLICATE_BITS);
  }

  async content(userId: string, imageId: string, which: 'original' | 'thumbnail'): Promise<StoredObject> {
    const image = await this.get(userId, imageId);
    return this.deps.storage.get(which === 'original' ? image.object_key : image.thumbnail_key);
  }

  async delete(userId: string, imageId: string): Promise<void> {
    const image = await this.deps.images.delete(imageId, userId);
    if (!image) throw new AppError(404, 'not_found', 'image not found');
    await Promise.all([
      this.deps.storage.delete(image.object_key),
      this.deps.storage.delete(image.thumbnail_key),
      // InspectImage's JPEG, when it made one (deleting a missing key is a no-op).
      this.deps.storage.delete(renditionKey(image.user_id, image.id)),
      this.deps.status.delete(image.id),
    ]);
  }

  /** Deletes every photo of the user; returns how many. */
  async deleteAll(userId: string): Promise<number> {
    let deleted = 0;
    for (;;) {
      const page = await this.deps.images.list(userId, { sort: 'created_at', limit: 100 });
      if (page.items.length === 0) return deleted;
      for (const image of page.items) {
        await this.delete(userId, image.id).catch((error: unknown) => {
          if (!(error instanceof AppError && error.status === 404)) throw error; // deleted meanwhile
        });
        deleted += 1;
      }
    }
  }
}
