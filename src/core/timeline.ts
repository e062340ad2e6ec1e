/** The read model of a photo's processing history, as `GET /images/{id}/executions` returns it. */

import type { ExecutionStatus } from './domain.js';

export interface TimelineState {
  state: string;
  attempt: number;
  status: ExecutionStatus;
  started_at: string;
  ended_at: string | null;
  duration_ms: number | null;
  error: string | null;
  cause: string | null;
  will_retry: boolean;
  worker_id: string | null;
}

export interface TimelineExecution {
  execution_id: string;
  name: string;
  seq: number;
  trigger: string;
  status: ExecutionStatus;
  started_at: string;
  ended_at: string | null;
  error: string | null;
  cause: string | null;
  states: TimelineState[];
}
