/**
 * Scene labels from pixel statistics alone. Only attributes that were right on the fixture photos
 * are kept at filterable confidence; water, sunset, snow and indoor/outdoor-from-colour were measured
 * and dropped (sea read as sky, coffee read as sunset — see the report).
 */
import type { Label } from '../../../core/domain.js';
import { interpolate, round1 } from './calibration.js';
import type { PixelStats } from './pixel-stats.js';

export function labelsFromPixels(stats: PixelStats): Label[] {
  const labels: Label[] = [];

  // Clear or partly cloudy sky: a smooth, blue upper third. A blue sea filling the top also passes.
  if (stats.blueTop >= 0.5 && stats.smoothTop >= 0.45) {
    labels.push({ name: 'Sky', confidence: round1(interpolate([[0.5, 72], [0.7, 84], [1, 95]], stats.blueTop)), parents: ['Outdoors', 'Nature'] });
  }

  // Foliage filling most of the frame: forests, hedges, meadows seen close.
  if (stats.green >= 0.35) {
    const confidence = round1(interpolate([[0.35, 62], [0.55, 82], [0.8, 92]], stats.green));
    labels.push({ name: 'Vegetation', confidence, parents: ['Plant', 'Nature'] });
    labels.push({ name: 'Plant', confidence: round1(confidence - 2) });
  }

  // A photo without colour is an objective fact of the pixels.
  if (stats.colourless >= 0.97 && stats.meanSaturation < 0.03) {
    labels.push({ name: 'Black and White', confidence: 96, parents: ['Monochrome'] });
    labels.push({ name: 'Monochrome', confidence: 95 });
  }

  // Very dark overall: night shots and underexposed photos alike.
  if (stats.meanBrightness < 0.15 && stats.dark >= 0.7) {
    labels.push({ name: 'Dark', confidence: round1(interpolate([[0.7, 82], [1, 95]], stats.dark)) });
  }
  return labels;
}
