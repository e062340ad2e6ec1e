/** The public API's JSON shapes (mirrors src/app/http/schemas.ts; the UI uses nothing else). */

export const STATUSES = ['UPLOADED', 'PROCESSING', 'READY', 'FAILED'] as const;
export type ImageStatus = (typeof STATUSES)[number];

export interface Label {
  name: string;
  confidence: number;
}

export interface ImageMetadata {
  image_id: string;
  filename: string;
  content_type: string;
  bytes: number;
  width: number;
  height: number;
  created_at: string;
  updated_at: string;
  status: ImageStatus;
  auto_process: boolean;
}

export interface ImageListItem extends ImageMetadata {
  description: string | null;
  tags: string[];
  beauty_score: number | null;
  processed_at: string | null;
  error: string | null;
}

export interface ImageList {
  items: ImageListItem[];
  next_cursor: string | null;
}

export interface AiResults {
  image_id: string;
  status: ImageStatus;
  description: string | null;
  tags: string[];
  beauty_score: number | null;
  labels: Label[];
  processed_at: string | null;
  error: string | null;
  provenance: Record<string, unknown> | null;
}

export type RunStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED';

export interface TimelineState {
  state: string;
  attempt: number;
  status: RunStatus;
  started_at: string;
  ended_at: string | null;
  duration_ms: number | null;
  error: string | null;
  cause: string | null;
  will_retry: boolean;
}

export interface Execution {
  execution_id: string;
  name: string;
  seq: number;
  trigger: string;
  status: RunStatus;
  started_at: string;
  ended_at: string | null;
  error: string | null;
  cause: string | null;
  states: TimelineState[];
}

export interface Session {
  user_id: string;
  token: string;
  username: string;
}

export type SortOrder = 'created_at' | 'beauty';

export interface ListFilters {
  status: ImageStatus | '';
  tag: string;
  sort: SortOrder;
}

/** Messages pushed over the WebSocket. */
export type ServerMessage =
  | { type: 'welcome' }
  | { type: 'pong' }
  | { type: 'image_processing_progress'; image_id: string; state: string; status: string }
  | { type: 'image_processing_complete'; image_id: string; status: 'READY' | 'FAILED' };
