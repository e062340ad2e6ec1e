/**
 * Timings the browser tests read: when a completion message arrived and when its card was rendered
 * with the results. Epoch milliseconds with sub-millisecond precision (timeOrigin + performance.now()),
 * so they compare with timestamps taken by another process on the same machine.
 */
export interface CompletionSample {
  image_id: string;
  status: string;
  receivedAt: number;
  /** When the photo's results were in hand (prefetched, or fetched after the message). */
  resultsAt: number | null;
  renderedAt: number | null;
}

export interface PharosMetrics {
  completions: CompletionSample[];
  /** Connections greeted by the server. */
  socketOpens: number;
  /** Connection attempts, failed ones included. */
  socketAttempts: number;
}

declare global {
  interface Window {
    __pharosMetrics?: PharosMetrics;
  }
}

export const now = () => performance.timeOrigin + performance.now();

const metrics: PharosMetrics = { completions: [], socketOpens: 0, socketAttempts: 0 };
window.__pharosMetrics = metrics;

export function completionReceived(image_id: string, status: string): void {
  metrics.completions.push({ image_id, status, receivedAt: now(), resultsAt: null, renderedAt: null });
}

export function resultsArrived(image_id: string): void {
  for (const sample of metrics.completions) {
    if (sample.image_id === image_id && sample.resultsAt === null) sample.resultsAt = now();
  }
}

/** Called when a card has been committed to the DOM showing a finished photo's results. */
export function cardRendered(image_id: string): void {
  for (const sample of metrics.completions) {
    if (sample.image_id === image_id && sample.renderedAt === null) sample.renderedAt = now();
  }
}

export function socketAttempted(): void {
  metrics.socketAttempts += 1;
}

export function socketOpened(): void {
  metrics.socketOpens += 1;
}
