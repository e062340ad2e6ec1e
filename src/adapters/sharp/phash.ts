/**
 * A perceptual hash with sharp: a 128-bit difference hash (dHash, horizontal and vertical). The
 * picture is reduced to 9x8 and 8x9 grey pixels and each bit says whether a pixel is brighter than its
 * right (or lower) neighbour, so resizing, recompression and small tone changes flip few bits while a
 * different picture flips about half. The vertical half is what keeps two calm, similar landscapes
 * apart, which a 64-bit horizontal hash alone confused on the fixture photos.
 */
import sharp from 'sharp';

const N = 8;

async function gradientBits(bytes: Uint8Array, horizontal: boolean): Promise<string> {
  const [w, h] = horizontal ? [N + 1, N] : [N, N + 1];
  const pixels = await sharp(bytes, { animated: false, limitInputPixels: false })
    .greyscale()
    .resize(w, h, { fit: 'fill' })
    .raw()
    .toBuffer();
  let bits = '';
  for (let y = 0; y < N; y++) {
    for (let x = 0; x < N; x++) {
      const here = pixels[y * w + x]!;
      const next = horizontal ? pixels[y * w + x + 1]! : pixels[(y + 1) * w + x]!;
      bits += here > next ? '1' : '0';
    }
  }
  return bits;
}

/** The hash of an upright image, as 32 hex digits. */
export async function differenceHash(bytes: Uint8Array): Promise<string> {
  const [rows, columns] = await Promise.all([gradientBits(bytes, true), gradientBits(bytes, false)]);
  return BigInt(`0b${rows}${columns}`).toString(16).padStart(32, '0');
}

/** How many of the 128 bits differ between two hashes. */
export function hammingDistance(a: string, b: string): number {
  let x = BigInt(`0x${a}`) ^ BigInt(`0x${b}`);
  let bits = 0;
  for (; x; x >>= 1n) bits += Number(x & 1n);
  return bits;
}
