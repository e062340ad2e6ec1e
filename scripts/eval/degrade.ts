/** Degraded copies of a photo, made with sharp, that a beauty scorer should rank below the original. */
import sharp from 'sharp';

export interface Degradation {
  name: string;
  apply(original: Buffer): Promise<Buffer>;
}

const WORKING_SIDE = 1024;

/** Same size and format as the degraded copies, so only the degradation differs. */
export function prepareOriginal(bytes: Uint8Array): Promise<Buffer> {
  return sharp(bytes)
    .rotate()
    .resize(WORKING_SIDE, WORKING_SIDE, { fit: 'inside', withoutEnlargement: true })
    .flatten({ background: '#ffffff' })
    .jpeg({ quality: 92 })
    .toBuffer();
}

/** Deterministic Gaussian-ish noise (sum of uniforms) so runs are comparable. */
async function addNoise(original: Buffer): Promise<Buffer> {
  const { data, info } = await sharp(original).raw().toBuffer({ resolveWithObject: true });
  let seed = 12345;
  const uniform = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  for (let i = 0; i < data.length; i++) {
    const noise = (uniform() + uniform() + uniform() - 1.5) * 2 * 40; // σ ≈ 40 grey levels
    data[i] = Math.max(0, Math.min(255, Math.round((data[i] ?? 0) + noise)));
  }
  return sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } })
    .jpeg({ quality: 92 })
    .toBuffer();
}

export const DEGRADATIONS: Degradation[] = [
  { name: 'blur', apply: (o) => sharp(o).blur(6).jpeg({ quality: 92 }).toBuffer() },
  { name: 'noise', apply: addNoise },
  { name: 'underexposed', apply: (o) => sharp(o).linear(0.25, 0).jpeg({ quality: 92 }).toBuffer() },
  { name: 'overexposed', apply: (o) => sharp(o).linear(2.5, 40).jpeg({ quality: 92 }).toBuffer() },
  { name: 'jpeg-q10', apply: (o) => sharp(o).jpeg({ quality: 10 }).toBuffer() },
  {
    name: 'downscale-8x',
    async apply(o) {
      const { width = WORKING_SIDE, height = WORKING_SIDE } = await sharp(o).metadata();
      const small = await sharp(o)
        .resize(Math.max(1, Math.round(width / 8)))
        .toBuffer();
      return sharp(small).resize(width, height, { fit: 'fill' }).jpeg({ quality: 92 }).toBuffer();
    },
  },
];
