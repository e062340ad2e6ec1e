/**
 * Writes the EXIF fixture photos in test/fixtures/exif/ (committed; rerun only to change them):
 * small copies of two fixture photos with known EXIF values written by sharp. `npx tsx scripts/make-exif-fixtures.ts`
 */
import { writeFile } from 'node:fs/promises';
import sharp from 'sharp';

const PHOTOS = new URL('../test/fixtures/photos/', import.meta.url);
const OUT = new URL('../test/fixtures/exif/', import.meta.url);

// Every value the tests expect, in EXIF's own notation (rationals as "n/d", degrees-minutes-seconds).
const full = await sharp(new URL('lighthouse.jpg', PHOTOS).pathname)
  .resize(400)
  .withExif({
    IFD0: { Make: 'Pharos Optics', Model: 'Fixture One', DateTime: '2024:06:01 19:45:00' },
    IFD2: {
      DateTimeOriginal: '2024:06:01 19:42:10',
      OffsetTimeOriginal: '+02:00',
      ExposureTime: '1/250',
      FNumber: '8/1',
      ISOSpeedRatings: '100',
      FocalLength: '35/1',
      FocalLengthIn35mmFilm: '52',
      LensModel: 'Pharos 35mm F2',
    },
    IFD3: {
      GPSLatitudeRef: 'N',
      GPSLatitude: '48/1 51/1 2964/100',
      GPSLongitudeRef: 'W',
      GPSLongitude: '4/1 47/1 3000/100',
      GPSAltitudeRef: '0',
      GPSAltitude: '12/1',
    },
  })
  .withMetadata({ orientation: 6 })
  .jpeg({ quality: 85 })
  .toBuffer();
await writeFile(new URL('camera-full.jpg', OUT), full);

const noZone = await sharp(new URL('ocean-waves.jpg', PHOTOS).pathname)
  .resize(400)
  .withExif({
    IFD0: { Make: 'Pharos Optics', Model: 'Fixture Two' },
    IFD2: { DateTimeOriginal: '2019:12:31 23:59:30', ExposureTime: '1/60', FNumber: '28/10' },
  })
  .jpeg({ quality: 85 })
  .toBuffer();
await writeFile(new URL('camera-no-zone.jpg', OUT), noZone);
console.log('wrote camera-full.jpg and camera-no-zone.jpg');
