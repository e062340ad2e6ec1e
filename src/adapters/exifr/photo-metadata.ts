/**
 * EXIF → PhotoMetadata with exifr: a pure function of the bytes, used by the codec at upload time (and
 * by any runtime that inspects a photo). Dates are read raw and assembled here, so the result never
 * depends on the process's time zone; a file without EXIF (or with unreadable EXIF) gives null.
 */
import exifr from 'exifr';
import type { PhotoMetadata } from '../../core/ports/index.js';

type Raw = Record<string, unknown>;

const text = (value: unknown): string | null =>
  typeof value === 'string' && value.replace(/\0/g, '').trim() ? value.replace(/\0/g, '').trim() : null;
const number = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;
const positive = (value: unknown): number | null => {
  const n = number(value);
  return n !== null && n > 0 ? n : null;
};

/** "2024:06:01 19:42:10" (+ "+02:00") → "2024-06-01T19:42:10+02:00"; anything malformed → null. */
export function exifDate(value: unknown, offset: unknown): { iso: string; zoned: boolean } | null {
  const raw = text(value);
  const m = raw?.match(/^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m;
  if (y === '0000' || Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(d) > 31) return null;
  const zone = text(offset)?.match(/^[+-]\d{2}:\d{2}$/)?.[0];
  const local = `${y}-${mo}-${d}T${h}:${mi}:${s}`;
  return { iso: zone ? `${local}${zone}` : local, zoned: Boolean(zone) };
}

function gpsOf(raw: Raw): PhotoMetadata['gps'] {
  const latitude = number(raw.latitude);
  const longitude = number(raw.longitude);
  if (latitude === null || longitude === null || Math.abs(latitude) > 90 || Math.abs(longitude) > 180)
    return null;
  if (latitude === 0 && longitude === 0) return null; // "no fix", as many cameras write it
  const altitude = number(raw.GPSAltitude);
  const below =
    raw.GPSAltitudeRef instanceof Uint8Array ? raw.GPSAltitudeRef[0] === 1 : raw.GPSAltitudeRef === 1;
  return { latitude, longitude, altitude: altitude === null ? null : below ? -altitude : altitude };
}

export async function readPhotoMetadata(bytes: Uint8Array): Promise<PhotoMetadata | null> {
  let raw: Raw | undefined;
  try {
    raw = (await exifr.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
      tiff: true,
      exif: true,
      gps: true,
      ifd1: false,
      xmp: false,
      icc: false,
      iptc: false,
      translateValues: false,
      reviveValues: false,
      mergeOutput: true,
    })) as Raw | undefined;
  } catch {
    return null; // damaged EXIF is no reason to refuse a photo that decodes
  }
  if (!raw) return null;
  const taken =
    exifDate(raw.DateTimeOriginal, raw.OffsetTimeOriginal) ??
    exifDate(raw.CreateDate, raw.OffsetTimeDigitized) ??
    exifDate(raw.ModifyDate, raw.OffsetTime);
  const orientation = number(raw.Orientation);
  const metadata: PhotoMetadata = {
    taken_at: taken?.iso ?? null,
    taken_at_has_zone: taken?.zoned ?? false,
    make: text(raw.Make),
    model: text(raw.Model),
    lens: text(raw.LensModel) ?? text(raw.Lens),
    exposure_time: positive(raw.ExposureTime),
    f_number: positive(raw.FNumber),
    iso: positive(raw.ISO) ?? positive(raw.ISOSpeedRatings),
    focal_length: positive(raw.FocalLength),
    focal_length_35mm: positive(raw.FocalLengthIn35mmFormat),
    gps: gpsOf(raw),
    orientation: orientation !== null && orientation >= 1 && orientation <= 8 ? orientation : null,
  };
  // An EXIF block that says none of these (a PNG's bare resolution chunk) is no metadata.
  const known = Object.entries(metadata).some(
    ([key, value]) => key !== 'taken_at_has_zone' && value !== null,
  );
  return known ? metadata : null;
}
