/** The public API's JSON shapes and the UI's own client-side types. */

import type { ImageStatus } from '../../../src/app/http/api-types.js';

export type { ImageStatus };
export const STATUSES = [
  'UPLOADING',
  'UPLOADED',
  'PROCESSING',
  'READY',
  'FAILED',
] as const satisfies readonly ImageStatus[];

// The server's shapes, inferred from the zod schemas that validate and document them (type-only:
// nothing from the server is bundled).
export type {
  AiResults,
  Duplicate,
  Execution,
  ImageList,
  ImageListItem,
  ImageMetadata,
  Label,
  PhotoMetadata,
  RunStatus,
  TimelineState,
} from '../../../src/app/http/api-types.js';

export interface Session {
  user_id: string;
  token: string;
  username: string;
}

/** relevance = best match when searching; without search words it means newest uploaded. */
export type SortOrder = 'relevance' | 'created_at' | 'taken_at' | 'beauty';

export interface ListFilters {
  status: ImageStatus | '';
  tag: string;
  /** Search words (GET /images?q=); '' for none. */
  q: string;
  sort: SortOrder;
  /** "Group duplicates": a photo's near-duplicates stack under one card (grouped in the page). */
  group: boolean;
}

/** The sort the server is asked for: relevance needs search words, so without them it is newest first. */
export const effectiveSort = (filters: ListFilters): SortOrder =>
  filters.sort === 'relevance' && filters.q.trim() === '' ? 'created_at' : filters.sort;

/** Messages pushed over the WebSocket, and the state names they carry: the core's own types. */
export type { ServerMessage, StateName } from '../../../src/core/domain.js';
export { EXECUTION_STARTED, StateNames } from '../../../src/core/domain.js';
