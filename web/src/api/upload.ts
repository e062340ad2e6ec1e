/**
 * Uploads one file with XMLHttpRequest, the only browser API that reports upload progress. Two
 * routes, chosen by the run-time configuration: `multipart` posts the file to the API; `direct` asks
 * the API for an upload slot (a presigned POST) and sends the bytes straight to object storage, so a
 * 12 MB phone photo never passes through API Gateway and Lambda.
 */
import type { Api } from './client';
import { ApiError, parseError } from './errors';
import type { ImageMetadata } from './types';

export interface UploadHandle {
  promise: Promise<ImageMetadata>;
  abort(): void;
}

export type UploadMode = 'multipart' | 'direct';

/** `POST /images/uploads` → 201: the photo's record (status UPLOADING) and where to send its bytes. */
interface UploadSlot {
  image: ImageMetadata;
  upload: { url: string; fields: Record<string, string> };
  expires_at: string;
}

/** S3 answers errors as XML (`<Error><Code>EntityTooLarge</Code><Message>…`): show its words. */
export function storageError(status: number, body: string): ApiError {
  try {
    const xml = new DOMParser().parseFromString(body, 'application/xml');
    const code = xml.querySelector('Error > Code')?.textContent;
    const message = xml.querySelector('Error > Message')?.textContent;
    if (code) return new ApiError(status, code, `${code}: ${message ?? 'the storage refused the upload'}`);
  } catch {
    // not XML
  }
  return parseError(status, body);
}

function send(
  xhr: XMLHttpRequest,
  form: FormData,
  onProgress: (fraction: number) => void,
  interpret: (status: number, body: string) => ApiError,
): Promise<string> {
  return new Promise((resolve, reject) => {
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    xhr.onload = () =>
      xhr.status >= 200 && xhr.status < 300
        ? resolve(xhr.responseText)
        : reject(interpret(xhr.status, xhr.responseText));
    xhr.onerror = () =>
      reject(new ApiError(0, 'network', 'the upload was interrupted: the server could not be reached'));
    xhr.onabort = () => reject(new ApiError(0, 'aborted', 'the upload was cancelled'));
    xhr.send(form);
  });
}

export function uploadFile(
  api: Api,
  mode: UploadMode,
  file: File,
  onProgress: (fraction: number) => void,
): UploadHandle {
  const xhr = new XMLHttpRequest();
  const abortSlot = new AbortController();
  let aborted = false;
  const abort = () => {
    aborted = true;
    abortSlot.abort();
    xhr.abort();
  };

  const multipart = async () => {
    xhr.open('POST', `${api.base}/images`);
    xhr.setRequestHeader('authorization', api.authHeader);
    const form = new FormData();
    form.append('file', file, file.name);
    return JSON.parse(await send(xhr, form, onProgress, parseError)) as ImageMetadata;
  };

  const direct = async () => {
    const slot = await api
      .json<UploadSlot>('POST', '/images/uploads', {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          filename: file.name,
          content_type: file.type || 'application/octet-stream',
          bytes: file.size,
        }),
        signal: abortSlot.signal,
      })
      .catch((error: unknown) => {
        throw aborted ? new ApiError(0, 'aborted', 'the upload was cancelled') : error;
      });
    xhr.open('POST', slot.upload.url);
    // A presigned POST: every policy field first, the file last (S3 ignores fields after it).
    const form = new FormData();
    for (const [name, value] of Object.entries(slot.upload.fields)) form.append(name, value);
    form.append('file', file, file.name);
    await send(xhr, form, onProgress, storageError);
    return slot.image;
  };

  const promise = (mode === 'direct' ? direct() : multipart()).then((meta) => {
    onProgress(1);
    return meta;
  });
  return { promise, abort };
}
