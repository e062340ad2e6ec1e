/**
 * Bucket notifications for storage that has none of its own (the local disk): after each put, an
 * "Object Created" event in EventBridge's shape goes to the listener (the event router).
 */
import type { ObjectCreatedEvent, ObjectStorage, StoredObject } from './ports/index.js';

export function withObjectCreatedEvents(
  storage: ObjectStorage,
  emit: (event: ObjectCreatedEvent) => Promise<void>,
): ObjectStorage {
  return {
    bucket: storage.bucket,
    async put(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
      await storage.put(key, bytes, contentType);
      await emit({
        source: 'aws.s3',
        'detail-type': 'Object Created',
        time: new Date().toISOString(),
        detail: { bucket: { name: storage.bucket }, object: { key, size: bytes.byteLength } },
      });
    },
    get: (key: string): Promise<StoredObject> => storage.get(key),
    delete: (key: string) => storage.delete(key),
  };
}
