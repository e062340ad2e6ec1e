/** The StatusStore contract, on PostgreSQL and on DynamoDB (dynalite behind the wire proxy). */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbStatusStore, statusTableDefinition } from '../../src/adapters/dynamodb/status-store.js';
import { createPool, type Db } from '../../src/adapters/postgres/db.js';
import { migrate } from '../../src/adapters/postgres/migrate.js';
import { PostgresStatusStore } from '../../src/adapters/postgres/status-store.js';
import type { StatusStore } from '../../src/core/ports/index.js';
import { freshDatabaseUrl } from '../support/database.js';
import { startDynamoDbServer } from '../wire/dynamodb-server.js';
import { FAKE_AWS_ENV, type FakeServer, parseSigV4, useEnv } from '../wire/fake-server.js';

let db: Db;
let dynamo: FakeServer;
let restoreEnv: () => void;
const stores: Record<string, StatusStore> = {};

beforeAll(async () => {
  db = createPool(await freshDatabaseUrl(), 4);
  await migrate(db);
  stores.postgres = new PostgresStatusStore(db);
  dynamo = await startDynamoDbServer();
  restoreEnv = useEnv({ ...FAKE_AWS_ENV, AWS_ENDPOINT_URL_DYNAMODB: dynamo.url });
  await new DynamoDBClient({}).send(statusTableDefinition('pharos-status-test'));
  stores.dynamodb = new DynamoDbStatusStore({ tableName: 'pharos-status-test' });
});
afterAll(async () => {
  restoreEnv?.();
  await Promise.all([db?.end(), dynamo?.close()]);
});

// Real deployments use UUIDs for both ids (PostgreSQL's columns insist).
const executionIds = ['', randomUUID(), randomUUID(), randomUUID()];
const record = (
  image_id: string,
  execution_seq: number,
  status: 'UPLOADED' | 'PROCESSING' | 'READY' | 'FAILED',
) => ({
  image_id,
  user_id: 'user-1',
  status,
  execution_seq,
  execution_id: execution_seq === 0 ? null : executionIds[execution_seq]!,
});

describe.each(['postgres', 'dynamodb'])('StatusStore contract: %s', (name) => {
  const store = () => stores[name]!;
  const id = (_suffix: string) => randomUUID();

  it('stores and reads back a record, with an update time', async () => {
    const imageId = id('a');
    expect(await store().put(record(imageId, 0, 'UPLOADED'))).toBe(true);
    const read = await store().get(imageId);
    expect(read).toMatchObject({
      image_id: imageId,
      user_id: 'user-1',
      status: 'UPLOADED',
      execution_seq: 0,
      execution_id: null,
    });
    expect(Date.parse(read!.updated_at)).not.toBeNaN();
  });

  it('lets the same or a newer execution write, and refuses an older one', async () => {
    const imageId = id('b');
    await store().put(record(imageId, 1, 'PROCESSING'));
    expect(await store().put(record(imageId, 2, 'PROCESSING'))).toBe(true);
    expect(await store().put(record(imageId, 2, 'READY'))).toBe(true);
    expect(await store().put(record(imageId, 1, 'FAILED'))).toBe(false);
    expect(await store().get(imageId)).toMatchObject({
      status: 'READY',
      execution_seq: 2,
      execution_id: executionIds[2],
    });
  });

  it('answers null for an unknown photo and forgets a deleted one', async () => {
    const imageId = id('c');
    expect(await store().get(imageId)).toBeNull();
    await store().put(record(imageId, 0, 'UPLOADED'));
    await store().delete(imageId);
    expect(await store().get(imageId)).toBeNull();
    await store().delete(imageId); // idempotent
  });
});

describe('DynamoDB on the wire', () => {
  it('sends a signed, conditional PutItem keyed on execution_seq', async () => {
    await stores.dynamodb!.put(record('wire-1', 3, 'READY'));
    const put = dynamo.requests.filter((r) => r.operation === 'PutItem').at(-1)!;
    expect(put.headers['x-amz-target']).toBe('DynamoDB_20120810.PutItem');
    expect(parseSigV4(put.headers.authorization)?.service).toBe('dynamodb');
    expect(JSON.parse(put.body.toString())).toMatchObject({
      TableName: 'pharos-status-test',
      ConditionExpression: 'attribute_not_exists(image_id) OR execution_seq <= :seq',
      ExpressionAttributeValues: { ':seq': { N: '3' } },
    });
    const get = dynamo.requests.filter((r) => r.operation === 'GetItem');
    await stores.dynamodb!.get('wire-1');
    expect(
      JSON.parse(
        dynamo.requests
          .filter((r) => r.operation === 'GetItem')
          .at(-1)!
          .body.toString(),
      ).ConsistentRead,
    ).toBe(true);
    expect(get).toBeDefined();
  });

  it('rides out ProvisionedThroughputExceededException with the SDK’s standard retries', async () => {
    dynamo.fail({ kind: 'throughput', operation: 'PutItem' }, { kind: 'throttle', operation: 'PutItem' });
    const before = dynamo.requests.length;
    expect(await stores.dynamodb!.put(record('wire-2', 1, 'READY'))).toBe(true);
    expect(dynamo.requests.length - before).toBe(3);
    expect(await stores.dynamodb!.get('wire-2')).toMatchObject({ status: 'READY' });
  });
});
