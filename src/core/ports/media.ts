/** Decoding and thumbnails (sharp locally; the same code runs in Lambda). */

import type { StoredObject } from './runtime.js';

/** What an upload turned out to be, read from its bytes (never from the client's claims). */
export interface ImageProbe {
  format: string;
  contentType: string;
  /** Displayed size: EXIF orientation already applied. */
  width: number;
  height: number;
}

/** A GPS position from EXIF, in decimal degrees (south and west negative) and metres. */
export interface GpsPosition {
  latitude: number;
  longitude: number;
  altitude: number | null;
}

/** The photo's own metadata, read from its EXIF; every field null when the file does not say. */
export interface PhotoMetadata {
  /**
   * When the photo was taken, as the camera recorded it: ISO 8601 with the offset when the file gives
   * one (`2024-06-01T19:42:10+02:00`), else the camera's local time without a zone (`2024-06-01T19:42:10`).
   */
  taken_at: string | null;
  /** Whether taken_at carries a time zone (EXIF OffsetTimeOriginal); without one it sorts as if UTC. */
  taken_at_has_zone: boolean;
  make: string | null;
  model: string | null;
  lens: string | null;
  /** Exposure time in seconds (1/250 s is 0.004). */
  exposure_time: number | null;
  f_number: number | null;
  iso: number | null;
  /** Focal length in millimetres, and its 35 mm equivalent when recorded. */
  focal_length: number | null;
  focal_length_35mm: number | null;
  gps: GpsPosition | null;
  /** EXIF orientation 1–8 (1 = upright; 6 = rotate 90° clockwise to view). */
  orientation: number | null;
}

/** Everything an upload's bytes tell before any AI runs. */
export interface ImageInspection {
  probe: ImageProbe;
  thumbnail: StoredObject;
  /** null when the file has no EXIF at all. */
  metadata: PhotoMetadata | null;
  /** Perceptual hash (128-bit dHash as 32 hex digits): near-identical pictures differ in few bits. */
  phash: string;
}

/** Decoding and thumbnails (sharp locally; the same code runs in Lambda). */
export interface ImageCodec {
  /** Fully decodes the image (so truncation is caught): its probe, thumbnail, EXIF metadata and hash. */
  inspect(bytes: Uint8Array): Promise<ImageInspection>;
  /** A JPEG of at most `maxBytes` (orientation applied), for providers that take only JPEG or PNG. */
  renderJpeg(bytes: Uint8Array, maxBytes: number): Promise<StoredObject>;
}
