/** The Notifier contract, on PostgreSQL LISTEN/NOTIFY and on SNS (fanned out through a per-subscriber SQS queue). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SnsNotifier } from '../../src/adapters/sns/notifier.js';
import { createPool, type Db } from '../../src/adapters/postgres/db.js';
import { PostgresNotifier } from '../../src/adapters/postgres/notifier.js';
import type { UserNotification } from '../../src/core/domain.js';
import { silentLogger } from '../../src/core/logger.js';
import type { Notifier } from '../../src/core/ports/index.js';
import { freshDatabaseUrl } from '../support/database.js';
import { FAKE_AWS_ENV, parseSigV4, useEnv } from '../wire/fake-server.js';
import { type MessagingFake, startMessagingServer } from '../wire/messaging-server.js';

let db: Db;
let messaging: MessagingFake;
let restoreEnv: () => void;
let topicArn: string;
const notifiers: Record<string, Notifier> = {};

beforeAll(async () => {
  const url = await freshDatabaseUrl();
  db = createPool(url, 4);
  notifiers.postgres = new PostgresNotifier(db, url, silentLogger);
  messaging = await startMessagingServer();
  restoreEnv = useEnv({
    ...FAKE_AWS_ENV,
    AWS_ENDPOINT_URL_SQS: messaging.url,
    AWS_ENDPOINT_URL_SNS: messaging.url,
  });
  topicArn = messaging.createTopic('pharos-notifications');
  notifiers.sns = new SnsNotifier({ topicArn, logger: silentLogger, waitTimeSeconds: 1 });
});
afterAll(async () => {
  restoreEnv?.();
  await Promise.all([db?.end(), messaging?.close()]);
});

const note = (imageId: string): UserNotification => ({
  user_id: 'user-1',
  message: { type: 'image_processing_complete', image_id: imageId, status: 'READY' },
});

function collector() {
  const seen: UserNotification[] = [];
  const until = (n: number, timeoutMs = 10_000) =>
    new Promise<void>((resolve, reject) => {
      const deadline = Date.now() + timeoutMs;
      const tick = () =>
        seen.length >= n
          ? resolve()
          : Date.now() > deadline
            ? reject(new Error(`saw ${seen.length} of ${n}`))
            : setTimeout(tick, 20);
      tick();
    });
  return { seen, listener: (n: UserNotification) => void seen.push(n), until };
}

describe.each(['postgres', 'sns'])('Notifier contract: %s', (name) => {
  it('delivers each publish to every subscriber, and nothing after unsubscribing', async () => {
    const notifier = notifiers[name]!;
    const a = collector();
    const b = collector();
    const stopA = await notifier.subscribe(a.listener);
    const stopB = await notifier.subscribe(b.listener);
    await notifier.publish(note('one'));
    await Promise.all([a.until(1), b.until(1)]);
    expect(a.seen).toEqual([note('one')]);
    expect(b.seen).toEqual([note('one')]);
    await stopA();
    await notifier.publish(note('two'));
    await notifier.publish(note('three'));
    // Bounded by a later event, not a time window: b has seen both later publishes (in order), so
    // 'two' has been delivered to every live subscription; the closed one got nothing.
    await b.until(3);
    expect(b.seen).toEqual([note('one'), note('two'), note('three')]);
    expect(a.seen).toEqual([note('one')]);
    await stopB();
  });
});

describe('PostgreSQL notifier under a burst', () => {
  it('delivers every one of many concurrent publishes, in publish order, however large the batch', async () => {
    const notifier = notifiers.postgres!;
    const c = collector();
    const stop = await notifier.subscribe(c.listener);
    // Enough, and long enough, that they cannot all fit in one NOTIFY payload (8000 bytes).
    const notes = Array.from({ length: 300 }, (_, i) => note(`burst-${i}-${'x'.repeat(i % 50)}`));
    await Promise.all(notes.map((n) => notifier.publish(n)));
    await c.until(notes.length);
    expect(c.seen).toEqual(notes);
    await stop();
  });
});

describe('SNS on the wire', () => {
  it('publishes with the Query protocol, subscribes a raw-delivery queue and cleans it up', async () => {
    const queuesBefore = messaging.queues.size;
    const stop = await notifiers.sns!.subscribe(() => undefined);
    expect(messaging.queues.size).toBe(queuesBefore + 1);
    const subscription = [...messaging.topics.get(topicArn)!.subscriptions.values()].at(-1)!;
    expect(subscription.raw).toBe(true);
    const queue = [...messaging.queues.values()].at(-1)!;
    expect(JSON.parse(queue.attributes.Policy!)).toMatchObject({
      Statement: [{ Condition: { ArnEquals: { 'aws:SourceArn': topicArn } } }],
    });
    await notifiers.sns!.publish(note('wire'));
    const publish = messaging.requests.filter((r) => r.operation === 'Publish').at(-1)!;
    const form = new URLSearchParams(publish.body.toString());
    expect(form.get('TopicArn')).toBe(topicArn);
    expect(JSON.parse(form.get('Message')!)).toEqual(note('wire'));
    expect(parseSigV4(publish.headers.authorization)?.service).toBe('sns');
    await stop();
    expect(messaging.queues.size).toBe(queuesBefore);
    expect(messaging.topics.get(topicArn)!.subscriptions.size).toBe(0);
  });
});
