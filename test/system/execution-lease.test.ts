/**
 * The local engine runs an execution once at a time, on the real PostgreSQL lease: a duplicate ticket
 * for a running execution is answered "busy" (the queue redelivers it later) — from another worker, and
 * from another slot of the same worker, whose own lease would otherwise let it in.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Db } from '../../src/adapters/postgres/db.js';
import { PostgresExecutionRepository } from '../../src/adapters/postgres/executions-repository.js';
import { PostgresImageRepository } from '../../src/adapters/postgres/images-repository.js';
import { migrate } from '../../src/adapters/postgres/migrate.js';
import { ExecutionBusyError } from '../../src/core/errors.js';
import { LocalExecutionEngine } from '../../src/core/local-engine.js';
import { silentLogger } from '../../src/core/logger.js';
import { freshDatabaseUrl } from '../support/database.js';

let db: Db;
let executions: PostgresExecutionRepository;

beforeAll(async () => {
  db = createPool(await freshDatabaseUrl(), 4);
  await migrate(db);
  executions = new PostgresExecutionRepository(db);
});
afterAll(() => db?.end());

/** A runner that holds the execution until it is let go, counting its runs. */
function heldRunner() {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const runner = {
    runs: 0,
    async run() {
      runner.runs += 1;
      await held;
      return 'SUCCEEDED' as const;
    },
  };
  return { runner, release };
}

async function runningExecution(): Promise<string> {
  const user = `lease-${randomUUID()}`;
  const image = await new PostgresImageRepository(db).insert({
    id: randomUUID(),
    user_id: user,
    filename: 'a.jpg',
    content_type: 'image/jpeg',
    bytes: 1,
    width: 1,
    height: 1,
    bucket: 'test',
    object_key: `uploads/${user}/a`,
    thumbnail_key: `thumbnails/${user}/a`,
    auto_process: true,
  });
  const started = await executions.start(image, `${image.id}-upload`, 'upload');
  return started.execution.id;
}

describe('the local engine lease', () => {
  it('answers a duplicate ticket busy while the execution runs, on the same worker or another', async () => {
    const executionId = await runningExecution();
    const { runner, release } = heldRunner();
    const worker = new LocalExecutionEngine(executions, runner, 'worker-a');
    const otherWorker = new LocalExecutionEngine(executions, runner, 'worker-b');
    const first = worker.launch(executionId, new AbortController().signal, silentLogger);
    await expect.poll(() => runner.runs).toBe(1);

    const signal = new AbortController().signal;
    await expect(worker.launch(executionId, signal, silentLogger)).rejects.toBeInstanceOf(ExecutionBusyError);
    await expect(otherWorker.launch(executionId, signal, silentLogger)).rejects.toBeInstanceOf(
      ExecutionBusyError,
    );
    expect(runner.runs).toBe(1);

    release();
    await first;
    // Once it has ended (the held runner finishes without checkpointing), this worker may run it again.
    await executions.release(executionId, 'worker-a');
    const { runner: again, release: releaseAgain } = heldRunner();
    releaseAgain();
    await new LocalExecutionEngine(executions, again, 'worker-a').launch(executionId, signal, silentLogger);
    expect(again.runs).toBe(1);
  });
});
