/** The JobQueue contract, on pg-boss (PostgreSQL) and on SQS (the SQS wire server), plus SQS specifics. */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqsQueue } from '../../src/adapters/sqs/queue.js';
import { PgBossQueue } from '../../src/adapters/pgboss/queue.js';
import { silentLogger } from '../../src/core/logger.js';
import type { JobQueue } from '../../src/core/ports/index.js';
import { freshDatabaseUrl } from '../support/database.js';
import { eventually } from '../support/wait.js';
import { FAKE_AWS_ENV, parseSigV4, useEnv } from '../wire/fake-server.js';
import { type MessagingFake, startMessagingServer } from '../wire/messaging-server.js';

let messaging: MessagingFake;
let restoreEnv: () => void;
let databaseUrl: string;
const open: JobQueue[] = [];

beforeAll(async () => {
  databaseUrl = await freshDatabaseUrl();
  messaging = await startMessagingServer();
  restoreEnv = useEnv({ ...FAKE_AWS_ENV, AWS_ENDPOINT_URL_SQS: messaging.url });
});
afterAll(async () => {
  await Promise.all(open.map((q) => q.stop()));
  restoreEnv?.();
  await messaging?.close();
});

const factories: Record<string, (queue: string) => JobQueue> = {
  pgboss: () =>
    new PgBossQueue({
      url: databaseUrl,
      logger: silentLogger,
      pollingIntervalSeconds: 0.5,
      shutdownGraceMs: 500,
    }),
  sqs: (queue) => {
    messaging.createQueue(`pharos-${queue}-dead`);
    messaging.createQueue(`pharos-${queue}`, {
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: `arn:aws:sqs:eu-west-1:000000000000:pharos-${queue}-dead`,
        maxReceiveCount: 3,
      }),
    });
    return new SqsQueue({
      logger: silentLogger,
      queueNamePrefix: 'pharos-',
      waitTimeSeconds: 1,
      visibilityTimeoutSeconds: 3,
      shutdownGraceMs: 500,
    });
  },
};

const waitUntil = (check: () => boolean | Promise<boolean>, timeoutMs = 15_000) =>
  eventually(check, 'the queue condition', timeoutMs);

/** Whether the queue has finished with a job: completed in pg-boss, deleted from SQS. */
const settled: Record<string, (queue: string, id: string) => Promise<boolean>> = {
  pgboss: async (_queue, id) => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ state: string }>('SELECT state FROM pgboss.job WHERE id = $1', [
        id,
      ]);
      return rows[0]?.state === 'completed';
    } finally {
      await client.end();
    }
  },
  sqs: async (queue) => messaging.queues.get(`pharos-${queue}`)!.messages.length === 0,
};

describe.each(['pgboss', 'sqs'])('JobQueue contract: %s', (name) => {
  it('delivers a sent job to a worker, once', async () => {
    const queueName = `contract-a-${name}`;
    const queue = factories[name]!(queueName);
    open.push(queue);
    const seen: { id: string; data: unknown }[] = [];
    await queue.work<{ image_id: string }>(queueName, async (job) => void seen.push(job));
    const id = await queue.send(queueName, { image_id: 'img-1' });
    await waitUntil(() => seen.length === 1);
    // Once means settled: the queue itself has finished the job, so nothing can deliver it again…
    await waitUntil(() => settled[name]!(queueName, id), 15_000);
    // …and a later job arrives alone, with no second copy of the first before or beside it.
    const second = await queue.send(queueName, { image_id: 'img-2' });
    await waitUntil(() => seen.length >= 2);
    expect(seen).toEqual([
      { id, data: { image_id: 'img-1' } },
      { id: second, data: { image_id: 'img-2' } },
    ]);
  });

  it('redelivers a job whose handler failed', async () => {
    const queueName = `contract-b-${name}`;
    const queue = factories[name]!(queueName);
    open.push(queue);
    let calls = 0;
    await queue.work(queueName, async () => {
      calls += 1;
      if (calls === 1) throw new Error('worker hiccup');
    });
    await queue.send(queueName, { n: 1 });
    await waitUntil(() => calls === 2);
  });
});

describe('SQS specifics', () => {
  it('long-polls, deletes on success, and keeps a slow job invisible by extending its visibility', async () => {
    const queue = factories.sqs!('slow');
    open.push(queue);
    let runs = 0;
    await queue.work('slow', async () => {
      runs += 1;
      // A slow job: it runs until the 3 s visibility timeout it was received with has passed and the
      // queue has extended that visibility (a condition, not a guessed duration).
      const receivedWindowEnds = Date.now() + 3_000;
      await eventually(
        () =>
          Date.now() > receivedWindowEnds + 250 &&
          messaging.requests.some((r) => r.operation === 'ChangeMessageVisibility'),
        'the original visibility window to pass with the visibility extended',
        15_000,
      );
    });
    await queue.send('slow', { slow: true });
    await waitUntil(() => messaging.queues.get('pharos-slow')!.messages.length === 0, 10_000);
    expect(runs).toBe(1);
    const ops = messaging.requests.filter((r) => r.path === '/' || r.operation).map((r) => r.operation);
    expect(ops).toContain('ChangeMessageVisibility');
    expect(ops).toContain('DeleteMessage');
    const receive = messaging.requests.find((r) => r.operation === 'ReceiveMessage')!;
    expect(receive.headers['x-amz-target']).toBe('AmazonSQS.ReceiveMessage');
    expect(receive.headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(parseSigV4(receive.headers.authorization)?.service).toBe('sqs');
    expect(JSON.parse(receive.body.toString())).toMatchObject({ WaitTimeSeconds: 1, VisibilityTimeout: 3 });
  });

  it('leaves a job that keeps failing to the redrive policy: it ends in the dead-letter queue', async () => {
    const queue = factories.sqs!('poison');
    open.push(queue);
    let calls = 0;
    await queue.work('poison', async () => {
      calls += 1;
      throw new Error('always fails');
    });
    await queue.send('poison', { poison: true });
    await waitUntil(() => messaging.queues.get('pharos-poison-dead')!.messages.length === 1, 20_000);
    expect(calls).toBe(3);
    expect(messaging.queues.get('pharos-poison')!.messages).toHaveLength(0);
  });
});
