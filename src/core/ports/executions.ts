/** The pipeline's memory (executions and attempts) and where an execution runs. */

import type { ExecutionStatus, FinalStatus, JobTicket } from '../domain.js';
import type { Logger } from './logger.js';
import type { PipelineDocument, StateError } from '../pipeline.js';
import type { TimelineExecution } from '../timeline.js';
import type { ImageRecord } from './images.js';

/** One state's checkpoint: see `ExecutionStore.checkpoint`. */
export interface CheckpointStep {
  attemptId: string | null;
  output: unknown;
  nextState: string;
  document: PipelineDocument;
  beginNext?: boolean;
  finish?: { status: FinalStatus; error?: StateError };
  folded?: { state: string; output: unknown };
}

export interface ExecutionRecord {
  id: string;
  name: string;
  image_id: string;
  user_id: string;
  seq: number;
  status: ExecutionStatus;
  current_state: string | null;
  document: PipelineDocument;
  started_at: string;
  ended_at: string | null;
  error: string | null;
  cause: string | null;
}

/** The runner's memory: executions and their state attempts (the photo's timeline). */
export interface ExecutionStore {
  load(executionId: string): Promise<ExecutionRecord | null>;
  /** Marks attempts left RUNNING by a dead worker as failed with Worker.Lost; returns how many. */
  abandonRunningAttempts(executionId: string): Promise<number>;
  /**
   * The error names of the state's FAILED attempts in this execution, oldest first, leaving out
   * `exceptAttemptId`: both runtimes count retries from these.
   */
  failedAttemptErrors(executionId: string, state: string, exceptAttemptId?: string): Promise<string[]>;
  /** Whether any attempt of the state is recorded in this execution. */
  hasAttempt(executionId: string, state: string): Promise<boolean>;
  /** Records a new attempt of `state`, numbered after any earlier ones (a resumed run continues the count). */
  beginAttempt(executionId: string, state: string): Promise<{ attemptId: string; attempt: number }>;
  failAttempt(attemptId: string, error: StateError, willRetry: boolean): Promise<void>;
  /**
   * Atomically: close the attempt (if any) as SUCCEEDED with its output, move the execution on, and,
   * when `beginNext` is set, record the first attempt of that next state (one round trip per state);
   * when `finish` is set instead, end the execution there too (as `finish` would, in the same write);
   * `folded` records a pure state that ran in between as one more SUCCEEDED attempt, in the same write.
   */
  checkpoint(executionId: string, step: CheckpointStep): Promise<CheckpointResult>;
  finish(executionId: string, status: FinalStatus, error?: StateError): Promise<void>;
}

export interface PreparedAttempt {
  attemptId: string;
  attempt: number;
}

export interface CheckpointResult {
  /** The next state's first attempt, when `beginNext` asked for it. */
  next: PreparedAttempt | null;
  /** The attempt recorded for the `folded` state. */
  folded: PreparedAttempt | null;
}

export type StartResult =
  { kind: 'started'; execution: ExecutionRecord } | { kind: 'existing'; execution: ExecutionRecord };

export interface ExecutionRepository extends ExecutionStore {
  /**
   * One transaction: create the execution named `name` (unless it exists), set the photo PROCESSING
   * and clear its previous outputs. When another execution of the photo is active, return that one.
   */
  start(image: ImageRecord, name: string, trigger: string): Promise<StartResult>;
  nextName(imageId: string): Promise<string>;
  /** 'claimed' when this worker may run it now; 'busy' while another live worker holds the lease. */
  claim(executionId: string, workerId: string, leaseMs: number): Promise<'claimed' | 'busy' | 'finished'>;
  renew(executionId: string, workerId: string, leaseMs: number): Promise<void>;
  release(executionId: string, workerId: string): Promise<void>;
  timeline(imageId: string): Promise<TimelineExecution[]>;
  /** The execution with this (orchestrator-side) name, if any. */
  findIdByName(name: string): Promise<string | null>;
  /** Runs `work` while holding this execution's lock, so concurrent deliveries take turns. */
  exclusively<T>(executionId: string, work: () => Promise<T>): Promise<T>;
  /**
   * Work that a crash could have orphaned: RUNNING executions nobody has held for `idleMs`, and photos
   * uploaded for auto-processing that never got an execution. Their tickets are sent again.
   */
  findStalled(idleMs: number): Promise<JobTicket[]>;
}

/**
 * Where an execution runs: the local runner in this worker, or an orchestrator it is handed to
 * (AWS Step Functions, started by name so a duplicate ticket cannot start it twice).
 */
export interface ExecutionEngine {
  launch(executionId: string, signal: AbortSignal, log: Logger): Promise<void>;
}
