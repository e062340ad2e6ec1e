/**
 * Sends one photo by the route the server's `/config.json` names. `multipart` posts the file to the
 * API (`POST /images`); `direct` (the AWS stack) asks the API for an upload slot (`POST
 * /images/uploads`, a presigned POST) and sends the bytes straight to object storage, so a 12 MB phone
 * photo never passes through API Gateway and Lambda. Either way the caller gets the photo's record.
 */
import { openAsBlob } from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { ApiError, type ImageMetadata, type PharosApi } from './api.js';
import { CliError, EXIT } from './errors.js';
import type { Candidate } from './files.js';

export type UploadMode = 'multipart' | 'direct';

/** What both routes report: the photo's id and status (UPLOADING until a direct upload's bytes are inspected). */
export type Uploaded = Pick<ImageMetadata, 'image_id' | 'status'>;

export const uploadMode = (api: PharosApi): UploadMode => api.config?.upload.mode ?? 'multipart';

/** Both routes' form: the given fields first, then the file (S3 ignores fields after the file). */
async function photoForm(photo: Candidate, fields: Record<string, string> = {}): Promise<FormData> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('file', await openAsBlob(photo.path, { type: photo.type }), path.basename(photo.path));
  return form;
}

const xml = new XMLParser();

/** S3 refuses a POST with XML (`<Error><Code>EntityTooLarge</Code><Message>…`): its words, as an API error. */
export function storageError(status: number, body: string): ApiError {
  try {
    const parsed = xml.parse(body) as { Error?: { Code?: unknown; Message?: unknown } };
    const code = parsed.Error?.Code;
    if (typeof code === 'string' && code)
      return new ApiError(status, code, String(parsed.Error?.Message ?? 'the storage refused the upload'));
  } catch {
    // not XML: the status line below
  }
  return new ApiError(
    status,
    'storage_error',
    `the storage answered ${status}${body ? `: ${body.slice(0, 200)}` : ''}`,
  );
}

async function direct(api: PharosApi, photo: Candidate): Promise<Uploaded> {
  const slot = await api.createUploadSlot({
    filename: path.basename(photo.path),
    content_type: photo.type,
    bytes: photo.bytes,
  });
  let response: Response;
  try {
    response = await fetch(slot.upload.url, {
      method: 'POST',
      body: await photoForm(photo, slot.upload.fields),
    });
  } catch (error) {
    await api.delete(slot.image.image_id).catch(() => undefined);
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new CliError(
      `cannot reach the object storage at ${new URL(slot.upload.url).origin}: ${cause?.code ?? cause?.message ?? String(error)}`,
      EXIT.usage,
    );
  }
  if (!response.ok) {
    const refused = storageError(response.status, await response.text());
    // The slot's record would otherwise sit UPLOADING in the list until the sweep expires it.
    await api.delete(slot.image.image_id).catch(() => undefined);
    throw refused;
  }
  return slot.image;
}

/** Uploads one photo; an `ApiError` is that photo's refusal (by the API or by the storage). */
export async function uploadPhoto(
  api: PharosApi,
  photo: Candidate,
  options: { process?: boolean } = {},
): Promise<Uploaded> {
  if (uploadMode(api) === 'direct') return direct(api, photo);
  return api.upload(await photoForm(photo), options);
}
