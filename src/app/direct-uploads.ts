/** Direct uploads are offered when the storage adapter can presign (S3); the local disk cannot. */
import { DirectUploads } from '../core/direct-uploads.js';
import type {
  DirectObjectAccess,
  ImageRepository,
  Logger,
  ObjectStorage,
  StatusStore,
} from '../core/ports/index.js';
import type { Config } from './config.js';

const canPresign = (storage: ObjectStorage): storage is ObjectStorage & DirectObjectAccess =>
  typeof (storage as Partial<DirectObjectAccess>).presignUpload === 'function' &&
  typeof (storage as Partial<DirectObjectAccess>).presignDownload === 'function';

export function directUploadsFor(
  config: Pick<Config, 'PHAROS_MAX_UPLOAD_BYTES' | 'PHAROS_AUTO_PROCESS'>,
  deps: {
    images: ImageRepository;
    /** The adapter itself (a wrapper around it may hide its presigning). */
    rawStorage: ObjectStorage;
    storage?: ObjectStorage;
    status: StatusStore;
    logger: Logger;
  },
): DirectUploads | null {
  if (!canPresign(deps.rawStorage)) return null;
  return new DirectUploads({
    images: deps.images,
    storage: deps.storage ?? deps.rawStorage,
    direct: deps.rawStorage,
    status: deps.status,
    logger: deps.logger,
    maxUploadBytes: config.PHAROS_MAX_UPLOAD_BYTES,
    autoProcess: config.PHAROS_AUTO_PROCESS,
  });
}
