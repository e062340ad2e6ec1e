/**
 * The page's milestones as User Timing marks (`performance.mark`): when a completion message arrived,
 * when its results were in hand, when its card showed them, socket attempts and opens. They cost
 * nothing, show in the browser's performance tools, and let the browser tests measure latency from
 * outside without the page carrying any test hook (see test/ui/support.ts, installMilestones).
 */
export const MILESTONE = {
  completion: 'pharos:completion',
  results: 'pharos:results',
  rendered: 'pharos:rendered',
  socketAttempt: 'pharos:socket-attempt',
  socketOpen: 'pharos:socket-open',
} as const;

export interface MilestoneDetail {
  image_id?: string;
  status?: string;
}

function mark(name: string, detail: MilestoneDetail = {}): void {
  performance.mark(name, { detail });
}

export const completionReceived = (image_id: string, status: string) =>
  mark(MILESTONE.completion, { image_id, status });
export const resultsArrived = (image_id: string) => mark(MILESTONE.results, { image_id });
export const cardRendered = (image_id: string) => mark(MILESTONE.rendered, { image_id });
export const socketAttempted = () => mark(MILESTONE.socketAttempt);
export const socketOpened = () => mark(MILESTONE.socketOpen);
