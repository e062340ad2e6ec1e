/**
 * The ExecutionEngine port on AWS Step Functions: the execution recorded in PostgreSQL is handed to
 * the state machine by `StartExecution`, named after that execution (image id and attempt), so a
 * duplicate ticket can never start a second run: Step Functions answers the same name with the same
 * execution, or with `ExecutionAlreadyExists` once it has finished — both mean "already started".
 */
import { ExecutionAlreadyExists, type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { Logger } from '../../core/ports/index.js';
import type { ExecutionEngine, ExecutionRepository } from '../../core/ports/index.js';
import { ErrorNames, PipelineError } from '../../core/errors.js';

/** Step Functions execution names: 1–80 characters of letters, digits, `-` and `_`. */
export function executionNameFor(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9_-]/g, '_');
  if (!safe || safe.length > 80)
    throw new PipelineError('Execution.BadName', `cannot name an execution ${JSON.stringify(name)}`);
  return safe;
}

export interface StepFunctionsEngineOptions {
  stateMachineArn: string;
  executions: Pick<ExecutionRepository, 'load'>;
  client: SFNClient;
}

export class StepFunctionsExecutionEngine implements ExecutionEngine {
  constructor(private readonly options: StepFunctionsEngineOptions) {}

  async launch(executionId: string, signal: AbortSignal, log: Logger): Promise<void> {
    const execution = await this.options.executions.load(executionId);
    if (!execution)
      throw new PipelineError(ErrorNames.ExecutionNotFound, `execution ${executionId} does not exist`);
    if (execution.status !== 'RUNNING') {
      log.info({ status: execution.status }, 'execution already finished: duplicate ticket dropped');
      return;
    }
    const name = executionNameFor(execution.name);
    try {
      const output = await this.options.client.send(
        new StartExecutionCommand({
          stateMachineArn: this.options.stateMachineArn,
          name,
          // The document as the database holds it: ids and keys only (well under the 256 KiB limit).
          input: JSON.stringify(execution.document),
        }),
        { abortSignal: signal },
      );
      log.info({ execution_arn: output.executionArn, name }, 'state machine execution started');
    } catch (error) {
      if (
        error instanceof ExecutionAlreadyExists ||
        (error as { name?: string }).name === 'ExecutionAlreadyExists'
      ) {
        log.info({ name }, 'state machine execution already exists: duplicate ticket dropped');
        return;
      }
      throw error;
    }
  }
}
