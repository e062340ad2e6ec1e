/**
 * Direct uploads: the client asks for an upload slot and sends the bytes straight to object storage
 * (S3's presigned POST), so a 12 MB phone photo never passes through the API. The slot is the photo's
 * record in status UPLOADING with a server-made key (`uploads/{user}/{image}`); its "Object Created"
 * event starts the pipeline, whose first state, InspectImage, checks the bytes as the multipart route
 * does. A slot never used expires: the sweep removes the record (and anything stored under its keys).
 * Reads of the original and the thumbnail become short-lived presigned redirects.
 */
import { renditionKey, thumbnailKey, uploadKey } from './events.js';
import { AppError } from './errors.js';
import { cleanFilename } from './image-service.js';
import type {
  DirectObjectAccess,
  ImageRecord,
  ImageRepository,
  Logger,
  ObjectStorage,
  StatusStore,
  UploadForm,
} from './ports/index.js';

/** How long an upload slot's form is valid; the sweep waits this plus a grace period. */
export const UPLOAD_SLOT_SECONDS = 15 * 60;
export const UPLOAD_SLOT_GRACE_SECONDS = 15 * 60;
/** Lifetime of a presigned read: long enough for the browser to follow the redirect and fetch. */
export const DOWNLOAD_URL_SECONDS = 300;

/** The types a slot may declare; the bytes' real type is sniffed by InspectImage either way. */
const DECLARABLE = /^(image\/[a-z0-9.+-]+|application\/octet-stream)$/;

export interface UploadSlot {
  image: ImageRecord;
  upload: UploadForm;
  expires_at: string;
}

export interface DirectUploadDependencies {
  images: ImageRepository;
  storage: ObjectStorage;
  direct: DirectObjectAccess;
  status: StatusStore;
  logger: Logger;
  maxUploadBytes: number;
  autoProcess: boolean;
  now?: () => Date;
}

export class DirectUploads {
  constructor(private readonly deps: DirectUploadDependencies) {}

  async createSlot(
    userId: string,
    request: { filename: string; content_type: string; bytes: number },
  ): Promise<UploadSlot> {
    const { deps } = this;
    const contentType = request.content_type.trim().toLowerCase();
    if (!DECLARABLE.test(contentType))
      throw new AppError(
        415,
        'unsupported_media_type',
        `content_type ${request.content_type} is not an image`,
      );
    if (request.bytes > deps.maxUploadBytes)
      throw new AppError(413, 'payload_too_large', `the file is larger than ${deps.maxUploadBytes} bytes`);
    const id = crypto.randomUUID();
    const key = uploadKey(userId, id);
    // The form first: if storage refuses to sign, no record is left behind.
    const upload = await deps.direct.presignUpload(
      key,
      contentType,
      deps.maxUploadBytes,
      UPLOAD_SLOT_SECONDS,
    );
    const image = await deps.images.insert({
      id,
      user_id: userId,
      filename: cleanFilename(request.filename),
      content_type: contentType,
      bytes: request.bytes,
      width: 0,
      height: 0,
      bucket: deps.storage.bucket,
      object_key: key,
      thumbnail_key: thumbnailKey(userId, id),
      auto_process: deps.autoProcess,
      status: 'UPLOADING',
    });
    const now = deps.now?.() ?? new Date();
    return {
      image,
      upload,
      expires_at: new Date(now.getTime() + UPLOAD_SLOT_SECONDS * 1000).toISOString(),
    };
  }

  /** A short-lived URL for the original or the thumbnail; 404 until InspectImage has passed the bytes. */
  async contentUrl(image: ImageRecord, which: 'original' | 'thumbnail'): Promise<string> {
    if (image.width === 0) throw new AppError(404, 'not_found', `the photo's ${which} is not there yet`);
    return this.deps.direct.presignDownload(
      which === 'original' ? image.object_key : image.thumbnail_key,
      DOWNLOAD_URL_SECONDS,
    );
  }

  /**
   * Slots past their expiry and grace whose bytes never arrived: the record, its status and anything
   * under its keys go. A slot whose object is there (its event still queued) is left to the pipeline.
   */
  async expireSlots(limit = 100): Promise<number> {
    const candidates = await this.deps.images.findExpiredUploads(
      UPLOAD_SLOT_SECONDS + UPLOAD_SLOT_GRACE_SECONDS,
      limit,
    );
    const expired: ImageRecord[] = [];
    for (const image of candidates) {
      if (await this.deps.direct.exists(image.object_key)) continue;
      if (await this.deps.images.delete(image.id, image.user_id)) expired.push(image);
    }
    for (const image of expired) {
      await Promise.all([
        this.deps.storage.delete(image.object_key),
        this.deps.storage.delete(image.thumbnail_key),
        this.deps.storage.delete(renditionKey(image.user_id, image.id)),
        this.deps.status.delete(image.id),
      ]);
    }
    if (expired.length) this.deps.logger.info({ count: expired.length }, 'expired upload slots removed');
    return expired.length;
  }
}
