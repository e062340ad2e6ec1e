/**
 * Splits a photo into its text lines from the detector's black-and-white output: the same steps and
 * the same arithmetic as @gutenye/ocr-common's `splitIntoLineImages` (MIT, Guten Ye), which this
 * replaces for two reasons. Its version never frees most of the opencv matrices it makes (each
 * contour, each unclipped box, each perspective transform, each crop), so opencv's wasm heap only
 * grows: in a worker that read a few hundred photos it had doubled, and a wasm heap never shrinks.
 * And it copied the whole photo into opencv once per line; this copies it once per photo.
 */
import { createRequire } from 'node:module';
import type { ImageRawBase, ImageRawData, LineImage } from '@gutenye/ocr-common';
import type * as OpenCv from '@techstark/opencv-js';
import type Clipper from 'js-clipper';

const require = createRequire(import.meta.url);
/**
 * Required, not imported: opencv.js's module object is a thenable whose `then` hands back the module
 * itself, so anything that resolves a promise with it (an `import`'s interop, an `await`) spins
 * forever. And a bundle that inlines this module (the Lambdas') loads neither package until the text
 * reader is first used.
 */
const cv = require('@techstark/opencv-js') as typeof OpenCv;
const clipper = require('js-clipper') as typeof Clipper;

type Point = [number, number];
type Box = [Point, Point, Point, Point];
type Deletable = { delete(): void };
/** Registers an opencv object to be deleted when the split ends, and hands it back. */
type Keep = <T extends Deletable>(mat: T) => T;

/** Boxes thinner than this (detector pixels) are specks, not text. */
const MIN_SIDE = 3;
/** How far a detected box is grown (PaddleOCR's unclip ratio): the detector marks a line's core. */
const UNCLIP_RATIO = 1.5;

/** opencv.js compiles its wasm after import: wait for it before the first line is split. */
export async function openCvReady(): Promise<void> {
  if (typeof cv.Mat === 'function') return;
  const previous = cv.onRuntimeInitialized as (() => void) | undefined;
  await new Promise<void>((resolve) => {
    cv.onRuntimeInitialized = () => {
      previous?.();
      resolve();
    };
  });
}

/** The splitter for ocr-common's backend, making line images of the given ImageRaw class. */
export function lineImageSplitter(ImageRaw: new (data: ImageRawData) => ImageRawBase) {
  return async function splitIntoLineImages(mask: ImageRawBase, source: ImageRawBase): Promise<LineImage[]> {
    const made: Deletable[] = [];
    const keep: Keep = (mat) => (made.push(mat), mat);
    try {
      const gray = keep(toMat(mask));
      cv.cvtColor(gray, gray, cv.COLOR_RGBA2GRAY, 0);
      const contours = keep(new cv.MatVector());
      cv.findContours(gray, contours, keep(new cv.Mat()), cv.RETR_LIST, cv.CHAIN_APPROX_SIMPLE);
      const photo = keep(toMat(source));
      const [rx, ry] = [source.width / mask.width, source.height / mask.height];
      const lines: LineImage[] = [];
      for (let i = 0; i < contours.size(); i++) {
        const box = lineBox(keep(contours.get(i)), keep);
        if (!box) continue;
        const scaled = box.map(([x, y]): Point => [x * rx, y * ry]) as Box;
        // Rounded and clamped in place, as ocr-common does: the crop and the box returned follow
        // the rounded corners (the ordering shares the corner arrays).
        const corners = orderClockwise(scaled);
        for (const corner of corners) {
          corner[0] = clamp(Math.round(corner[0]), 0, source.width);
          corner[1] = clamp(Math.round(corner[1]), 0, source.height);
        }
        if (Math.trunc(distance(corners[0], corners[1])) <= 3) continue;
        if (Math.trunc(distance(corners[0], corners[3])) <= 3) continue;
        lines.push({ box: scaled, image: new ImageRaw(crop(photo, scaled, keep)) });
      }
      return lines;
    } finally {
      for (const mat of made) mat.delete();
    }
  };
}

/** A contour's grown, minimum-area box in detector pixels, or nothing when it is too thin. */
function lineBox(contour: OpenCv.Mat, keep: Keep): Box | null {
  const core = miniBox(contour);
  if (core.side < MIN_SIDE) return null;
  const grown = unclip(core.points);
  const grownBox = miniBox(keep(cv.matFromArray(grown.length / 2, 1, cv.CV_32SC2, grown)));
  return grownBox.side < MIN_SIDE + 2 ? null : grownBox.points;
}

function miniBox(contour: OpenCv.Mat): { points: Box; side: number } {
  const rect = cv.minAreaRect(contour);
  const p = rectCorners(rect).sort((a, b) => a[0] - b[0]);
  const [first, fourth] = p[1][1] > p[0][1] ? [p[0], p[1]] : [p[1], p[0]];
  const [second, third] = p[3][1] > p[2][1] ? [p[2], p[3]] : [p[3], p[2]];
  return { points: [first, second, third, fourth], side: Math.min(rect.size.height, rect.size.width) };
}

function rectCorners({ center, size, angle }: OpenCv.RotatedRect): Box {
  const theta = (angle * Math.PI) / 180;
  const [cos, sin] = [Math.cos(theta), Math.sin(theta)];
  const [dx, dy] = [size.width / 2, size.height / 2];
  return [
    [center.x - dx * cos + dy * sin, center.y - dx * sin - dy * cos],
    [center.x + dx * cos + dy * sin, center.y + dx * sin - dy * cos],
    [center.x + dx * cos - dy * sin, center.y + dx * sin + dy * cos],
    [center.x - dx * cos - dy * sin, center.y - dx * sin + dy * cos],
  ];
}

/** The box grown outwards by area × ratio / perimeter, as flat x, y pairs. */
function unclip(box: Box): number[] {
  const offset = (area(box) * UNCLIP_RATIO) / perimeter(box);
  const clip = new clipper.ClipperOffset();
  clip.AddPath(
    box.map(([X, Y]) => ({ X, Y })),
    clipper.JoinType.jtRound,
    clipper.EndType.etClosedPolygon,
  );
  const grown: { X: number; Y: number }[][] = [];
  clip.Execute(grown, offset);
  return (grown[0] ?? []).flatMap(({ X, Y }) => [X, Y]);
}

function orderClockwise(points: Box): Box {
  const sums = points.map(([x, y]) => x + y);
  const topLeft = pick(points, sums.indexOf(Math.min(...sums)));
  const bottomRight = pick(points, sums.indexOf(Math.max(...sums)));
  const rest = points.filter((p) => p !== topLeft && p !== bottomRight);
  const [a, b] = [pick(rest, 0), pick(rest, 1)];
  const diff = [b[0] - a[0], b[1] - a[1]];
  const byDiff = (extreme: number): Point => pick(rest, diff.indexOf(extreme));
  return [topLeft, byDiff(Math.min(...diff)), bottomRight, byDiff(Math.max(...diff))];
}

/** The line cut out and straightened; stood upright when it is much taller than wide. */
function crop(photo: OpenCv.Mat, box: Box, keep: Keep): ImageRawData {
  const width = Math.trunc(Math.max(distance(box[0], box[1]), distance(box[2], box[3])));
  const height = Math.trunc(Math.max(distance(box[0], box[3]), distance(box[1], box[2])));
  const from = keep(cv.matFromArray(4, 1, cv.CV_32FC2, box.flat()));
  const to = keep(cv.matFromArray(4, 1, cv.CV_32FC2, [0, 0, width, 0, width, height, 0, height]));
  const transform = keep(cv.getPerspectiveTransform(from, to));
  let line = keep(new cv.Mat());
  const size = new cv.Size(width, height);
  cv.warpPerspective(photo, line, transform, size, cv.INTER_CUBIC, cv.BORDER_REPLICATE, new cv.Scalar());
  if (line.rows / line.cols >= 1.5) {
    const upright = keep(new cv.Mat());
    const turn = keep(cv.getRotationMatrix2D(new cv.Point(line.cols / 2, line.cols / 2), 90, 1));
    const turned = new cv.Size(line.rows, line.cols);
    cv.warpAffine(line, upright, turn, turned, cv.INTER_CUBIC, cv.BORDER_REPLICATE, new cv.Scalar());
    line = upright;
  }
  // A view into the wasm heap: the ImageRaw copies it before the matrix is freed.
  return { data: line.data, width: line.cols, height: line.rows };
}

/** Each side of a closed polygon as [previous corner, corner], starting from the last corner. */
const sides = (polygon: Box): [Point, Point][] =>
  polygon.map((b, i) => [pick(polygon, (i + polygon.length - 1) % polygon.length), b]);

const area = (polygon: Box): number =>
  Math.abs(sides(polygon).reduce((sum, [a, b]) => sum + (a[1] * b[0] - a[0] * b[1]), 0) / 2);

const perimeter = (polygon: Box): number =>
  sides(polygon).reduce((sum, [a, b]) => sum + Math.hypot(a[0] - b[0], a[1] - b[1]), 0);

function pick<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined) throw new Error(`no item ${index} of ${items.length}`);
  return item;
}

/** ImageRaw holds what opencv's matFromImageData reads: RGBA bytes, width and height. */
const toMat = (image: ImageRawBase): OpenCv.Mat => cv.matFromImageData(image as unknown as ImageData);

// Not Math.hypot: the same rounding as ocr-common, so crops come out the same size.
const distance = (a: Point, b: Point): number => Math.sqrt((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2);
const clamp = (n: number, min: number, max: number): number => Math.max(min, Math.min(n, max));
