/**
 * S3 as object storage, plus presigned POST uploads: the browser can send a photo straight to the
 * bucket with its size and type bounded by the policy S3 itself enforces.
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createPresignedPost, type PresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { AppError } from '../../core/errors.js';
import type { DirectObjectAccess, ObjectStorage, StoredObject } from '../../core/ports/index.js';
import { createS3Client } from '../aws-sdk/clients.js';

export interface S3StorageOptions {
  bucket: string;
  client?: S3Client;
  /** Lifetime of presigned uploads. */
  presignExpiresSeconds?: number;
}

export class S3Storage implements ObjectStorage, DirectObjectAccess {
  readonly bucket: string;
  private readonly client: S3Client;

  constructor(private readonly options: S3StorageOptions) {
    this.bucket = options.bucket;
    this.client = options.client ?? createS3Client();
  }

  async put(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: bytes, ContentType: contentType }),
    );
  }

  async get(key: string): Promise<StoredObject> {
    try {
      const output = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      const bytes = await output.Body!.transformToByteArray();
      return { bytes, contentType: output.ContentType ?? 'application/octet-stream' };
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') {
        throw new AppError(404, 'not_found', `object ${key} not found`);
      }
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    // S3 answers 204 for a missing key too: delete is idempotent, like the local adapter's.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  /** A presigned POST for exactly this key, this content type and at most `maxBytes`. */
  presignUpload(
    key: string,
    contentType: string,
    maxBytes: number,
    expiresSeconds = this.options.presignExpiresSeconds ?? 300,
  ): Promise<PresignedPost> {
    return createPresignedPost(this.client, {
      Bucket: this.bucket,
      Key: key,
      Conditions: [
        ['content-length-range', 1, maxBytes],
        ['eq', '$Content-Type', contentType],
      ],
      Fields: { 'Content-Type': contentType },
      Expires: expiresSeconds,
    });
  }

  /** A presigned GET (the API answers reads with a redirect to it instead of streaming through Lambda). */
  presignDownload(key: string, expiresSeconds: number): Promise<string> {
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: key }), {
      expiresIn: expiresSeconds,
    });
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (error) {
      const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
      if (e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404)
        return false;
      throw error;
    }
  }
}
