/**
 * Progress messages for the browser, one per state outcome, and one log line per state transition.
 * Shared by the local runner and the Lambda step wrapper, so both runtimes say exactly the same.
 */
import { type StateName, StateNames } from './domain.js';
import type { Logger } from './ports/index.js';
import { NOTIFY_STATE, type StateError } from './pipeline.js';
import type { Notifier } from './ports/index.js';
import type { RunnerObserver } from './runner.js';

export type StateOutcome = 'SUCCEEDED' | 'RETRYING' | 'FAILED';

const KNOWN_STATES: ReadonlySet<string> = new Set(Object.values(StateNames));

/** A definition's state name as the shared type: every state the pipeline has is in `StateNames`. */
export function asStateName(name: string): StateName {
  if (!KNOWN_STATES.has(name)) throw new Error(`state ${name} is missing from StateNames (core/domain.ts)`);
  return name as StateName;
}

export function publishProgress(
  notifier: Notifier,
  logger: Logger,
  target: { user_id: string; image_id: string },
  state: string,
  status: StateOutcome,
): Promise<void> {
  // Notify's own success is announced by the completion message itself.
  if (state === NOTIFY_STATE && status === 'SUCCEEDED') return Promise.resolve();
  return notifier
    .publish({
      user_id: target.user_id,
      message: {
        type: 'image_processing_progress',
        image_id: target.image_id,
        state: asStateName(state),
        status,
      },
    })
    .catch((error: unknown) =>
      logger.warn({ err: error, image_id: target.image_id }, 'progress publish failed'),
    );
}

export function progressObserver(notifier: Notifier, logger: Logger): RunnerObserver {
  const ids = (e: { id: string; image_id: string }) => ({ image_id: e.image_id, execution_id: e.id });
  return {
    stateStarted(execution, state, attempt) {
      logger.info({ ...ids(execution), state, attempt }, 'state started');
    },
    stateSucceeded(execution, state, attempt, ms) {
      logger.info({ ...ids(execution), state, attempt, ms }, 'state succeeded');
      void publishProgress(notifier, logger, execution, state, 'SUCCEEDED');
    },
    stateFailed(execution, state, attempt, error: StateError, willRetry) {
      logger.warn(
        { ...ids(execution), state, attempt, error: error.Error, cause: error.Cause, will_retry: willRetry },
        'state failed',
      );
      void publishProgress(notifier, logger, execution, state, willRetry ? 'RETRYING' : 'FAILED');
    },
    executionFinished(execution, status, error) {
      logger.info({ ...ids(execution), status, error: error?.Error }, 'execution finished');
    },
  };
}
