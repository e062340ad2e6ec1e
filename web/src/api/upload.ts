/** Uploads one file with XMLHttpRequest, the only browser API that reports upload progress. */
import { API_BASE } from './client';
import { ApiError, parseError } from './errors';
import type { ImageMetadata } from './types';

export interface UploadHandle {
  promise: Promise<ImageMetadata>;
  abort(): void;
}

export function uploadFile(
  file: File,
  authHeader: string,
  onProgress: (fraction: number) => void,
): UploadHandle {
  const xhr = new XMLHttpRequest();
  const promise = new Promise<ImageMetadata>((resolve, reject) => {
    xhr.open('POST', `${API_BASE}/images`);
    xhr.setRequestHeader('authorization', authHeader);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => {
      if (xhr.status === 201) {
        onProgress(1);
        resolve(JSON.parse(xhr.responseText) as ImageMetadata);
      } else {
        reject(parseError(xhr.status, xhr.responseText));
      }
    };
    xhr.onerror = () =>
      reject(new ApiError(0, 'network', 'the upload was interrupted: the server could not be reached'));
    xhr.onabort = () => reject(new ApiError(0, 'aborted', 'the upload was cancelled'));
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
  });
  return { promise, abort: () => xhr.abort() };
}
