/**
 * A client that reprocesses on the completion message can reach the server while the old run is still
 * in Notify (the message goes out a moment before the run closes). The rerun must start a new run once
 * that one closes, not be answered with the run it is meant to replace; a run in an earlier state is
 * still the answer. An API-only server runs no executions, so the test places the old run in its state
 * through the executions repository, as a worker's checkpoint would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Db } from '../../src/adapters/postgres/db.js';
import { PostgresExecutionRepository } from '../../src/adapters/postgres/executions-repository.js';
import { StateNames } from '../../src/core/domain.js';
import { ApiClient, photo, startTestServer, type TestServer } from '../support/server.js';

describe('a rerun asked for while the previous run announces its outcome', () => {
  let server: TestServer;
  let client: ApiClient;
  let db: Db;
  let executions: PostgresExecutionRepository;
  beforeAll(async () => {
    server = await startTestServer({}, { role: 'api' });
    client = await ApiClient.register(server.url);
    db = createPool(server.databaseUrl, 2);
    executions = new PostgresExecutionRepository(db);
  });
  afterAll(async () => {
    await db?.end();
    await server?.stop();
  });

  /** A photo with one API run, moved (as a worker would) to `state`; returns the run's id. */
  async function photoWithRunIn(state: string): Promise<{ imageId: string; runId: string }> {
    const imageId = (await client.upload(await photo('lighthouse.jpg'), 'lighthouse.jpg', '?process=false'))
      .body.image_id;
    const first = await client.json<{ execution_id: string }>('POST', `/images/${imageId}/process`);
    expect(first.status).toBe(202);
    const runId = first.body.execution_id;
    const run = (await executions.load(runId))!;
    await executions.checkpoint(runId, {
      attemptId: null,
      output: null,
      nextState: state,
      document: run.document,
    });
    return { imageId, runId };
  }

  it('waits for a run in Notify to close, then starts a new one', async () => {
    const { imageId, runId } = await photoWithRunIn(StateNames.Notify);
    let closed = false;
    const rerun = client.json<{ execution_id: string; status: string }>('POST', `/images/${imageId}/process`);
    // The old run closes a moment later, as the runner's last checkpoint does after Notify.
    setTimeout(() => {
      closed = true;
      void executions.finish(runId, 'SUCCEEDED');
    }, 300);
    const answer = await rerun;
    expect(closed).toBe(true);
    expect(answer.status).toBe(202);
    expect(answer.body.execution_id).not.toBe(runId);
    expect((await executions.load(answer.body.execution_id))?.status).toBe('RUNNING');
    expect((await executions.load(runId))?.status).toBe('SUCCEEDED');
  });

  it('answers with the active run when it is in an earlier state', async () => {
    const { imageId, runId } = await photoWithRunIn(StateNames.DetectLabels);
    const rerun = await client.json<{ execution_id: string }>('POST', `/images/${imageId}/process`);
    expect(rerun.status).toBe(202);
    expect(rerun.body.execution_id).toBe(runId);
    expect((await executions.load(runId))?.status).toBe('RUNNING');
  });
});
