/**
 * Schema migrations as a CloudFormation custom resource (through the CDK Provider framework): on Create
 * and Update the numbered `.sql` files bundled beside the handler are applied under the advisory lock,
 * exactly as `npm start` applies them; Delete keeps the data.
 */
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { migrate } from '../../adapters/postgres/migrate.js';
import { type RuntimeProvider, withRuntime } from './middleware.js';
import { type LambdaRuntime, lambdaRuntime } from './runtime.js';

export const SCHEMA_RESOURCE_ID = 'pharos-schema';

export async function applyMigrations(
  runtime: LambdaRuntime,
  event: Pick<CloudFormationCustomResourceEvent, 'RequestType'>,
): Promise<{ PhysicalResourceId: string; Data: { Applied: string } }> {
  if (event.RequestType === 'Delete')
    return { PhysicalResourceId: SCHEMA_RESOURCE_ID, Data: { Applied: '' } };
  const applied = await migrate(runtime.db);
  runtime.logger.info({ applied }, 'migrations applied');
  return { PhysicalResourceId: SCHEMA_RESOURCE_ID, Data: { Applied: applied.join(',') } };
}

export const createMigrateHandler = (getRuntime: RuntimeProvider) =>
  withRuntime('migrate', getRuntime, (runtime, event: CloudFormationCustomResourceEvent, _context: Context) =>
    applyMigrations(runtime, event),
  );

export const handler = createMigrateHandler(lambdaRuntime);
