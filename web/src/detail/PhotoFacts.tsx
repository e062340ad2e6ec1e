import type { Duplicate, ImageMetadata } from '../api/types';
import { formatDateTime } from '../format';

const exposure = (seconds: number) => (seconds >= 1 ? `${seconds} s` : `1/${Math.round(1 / seconds)} s`);

/** The camera's time as recorded: with its zone when the file gives one, else the local time as such. */
function takenText(meta: ImageMetadata): string {
  if (meta.taken_at_source === 'upload')
    return `${formatDateTime(meta.taken_at)} (upload time; no date in the photo)`;
  const [date, clock] = meta.taken_at.split('T');
  const zone = meta.photo?.taken_at_has_zone
    ? ` UTC${meta.taken_at.slice(19)}`
    : ' (camera time, zone unknown)';
  return `${date} ${clock?.slice(0, 8)}${zone}`;
}

/** EXIF facts of one photo: date taken, camera, lens, exposure, focal length, position, orientation. */
export function PhotoFacts({ meta }: { meta: ImageMetadata | null }) {
  if (!meta) return <p className="hint">Loading…</p>;
  const p = meta.photo;
  const rows: [string, string | null][] = [
    ['Taken', takenText(meta)],
    ['Camera', p && (p.make || p.model) ? [p.make, p.model].filter(Boolean).join(' ') : null],
    ['Lens', p?.lens ?? null],
    [
      'Exposure',
      p && (p.exposure_time || p.f_number || p.iso)
        ? [
            p.exposure_time ? exposure(p.exposure_time) : null,
            p.f_number ? `f/${p.f_number}` : null,
            p.iso ? `ISO ${p.iso}` : null,
          ]
            .filter(Boolean)
            .join(' · ')
        : null,
    ],
    [
      'Focal length',
      p?.focal_length
        ? `${p.focal_length} mm${p.focal_length_35mm ? ` (${p.focal_length_35mm} mm in 35 mm terms)` : ''}`
        : null,
    ],
    [
      'Position',
      p?.gps
        ? `${p.gps.latitude.toFixed(5)}, ${p.gps.longitude.toFixed(5)}${p.gps.altitude === null ? '' : ` · ${p.gps.altitude} m`}`
        : null,
    ],
    ['Orientation', p?.orientation && p.orientation !== 1 ? `EXIF ${p.orientation} (shown upright)` : null],
  ];
  return (
    <dl className="facts" data-testid="photo-facts">
      {rows
        .filter((row): row is [string, string] => row[1] !== null)
        .map(([term, value]) => (
          <div key={term}>
            <dt>{term}</dt>
            <dd>{value}</dd>
          </div>
        ))}
    </dl>
  );
}

/** The owner's near-duplicates of this photo (perceptual hash), closest first. */
export function DuplicateList({ items }: { items: Duplicate[] | null }) {
  if (!items) return <p className="hint">Loading…</p>;
  if (items.length === 0) return <p className="hint">No near-duplicates among your photos.</p>;
  return (
    <ul className="duplicates" data-testid="duplicates">
      {items.map((d) => (
        <li key={d.image_id}>
          {d.filename}{' '}
          <span className="hint">
            ({d.distance === 0 ? 'identical picture' : `${d.distance} of 128 bits differ`})
          </span>
        </li>
      ))}
    </ul>
  );
}
