/**
 * The Lambda composition root: every handler's dependencies, built once per cold start from the
 * environment the CDK stack sets. Secrets (the database credentials behind RDS Proxy, the OpenAI key)
 * are read from Secrets Manager here, never logged, and never placed in the function's environment.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { createPool } from '../../adapters/postgres/db.js';
import { StepFunctionsExecutionEngine } from '../../adapters/stepfunctions/engine.js';
import { loadConfig } from '../../app/config.js';
import { createLogger } from '../../app/logger.js';
import { type Services, buildServices } from '../../app/services.js';
import type { Notifier } from '../../core/ports/index.js';
import { describersFor, isPlaceholderKey } from './openai-key.js';

export interface LambdaRuntime extends Services {
  env: NodeJS.ProcessEnv;
}

/** The secret RDS generates for its master user (and RDS Proxy reads). */
interface DatabaseSecret {
  username: string;
  password: string;
  dbname?: string;
  port?: number | string;
  host?: string;
}

async function secretString(client: SecretsManagerClient, secretId: string): Promise<string> {
  const output = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  if (!output.SecretString) throw new Error(`secret ${secretId} has no string value`);
  return output.SecretString;
}

/** DATABASE_URL as given (tests), or built from the RDS secret and the RDS Proxy endpoint, TLS verified. */
export async function resolveDatabaseUrl(
  env: NodeJS.ProcessEnv,
  secrets: () => SecretsManagerClient,
): Promise<string> {
  if (env.DATABASE_URL) return env.DATABASE_URL;
  const secretArn = env.PHAROS_DB_SECRET_ARN;
  if (!secretArn) throw new Error('DATABASE_URL or PHAROS_DB_SECRET_ARN is required');
  const secret = JSON.parse(await secretString(secrets(), secretArn)) as DatabaseSecret;
  const host = env.PHAROS_DB_HOST ?? secret.host;
  if (!host) throw new Error('PHAROS_DB_HOST (the RDS Proxy endpoint) is required');
  const url = new URL('postgres://placeholder');
  url.username = encodeURIComponent(secret.username);
  url.password = encodeURIComponent(secret.password);
  url.hostname = host;
  url.port = String(secret.port ?? 5432);
  url.pathname = `/${env.PHAROS_DB_NAME ?? secret.dbname ?? 'pharos'}`;
  // RDS Proxy requires TLS; its certificate chains to Amazon's public roots, so verify it fully.
  url.searchParams.set('sslmode', 'verify-full');
  return url.toString();
}

/** The OpenAI key: the secret's plain string, or its `api_key` field when the secret is JSON. */
export async function resolveOpenAiKey(
  env: NodeJS.ProcessEnv,
  secrets: () => SecretsManagerClient,
): Promise<string | undefined> {
  if (env.OPENAI_API_KEY) return env.OPENAI_API_KEY;
  if (!env.PHAROS_OPENAI_SECRET_ARN) return undefined;
  const value = (await secretString(secrets(), env.PHAROS_OPENAI_SECRET_ARN)).trim();
  if (value.startsWith('{')) {
    const parsed = JSON.parse(value) as { api_key?: string; OPENAI_API_KEY?: string };
    return parsed.api_key ?? parsed.OPENAI_API_KEY;
  }
  return value;
}

export interface RuntimeDecorators {
  /** Wraps the notifier (tests record what is published). */
  notifier?: (notifier: Notifier) => Notifier;
}

export async function buildLambdaRuntime(
  env: NodeJS.ProcessEnv = process.env,
  decorate: RuntimeDecorators = {},
): Promise<LambdaRuntime> {
  let secretsClient: SecretsManagerClient | undefined;
  const secrets = () => (secretsClient ??= new SecretsManagerClient({}));
  const databaseUrl = await resolveDatabaseUrl(env, secrets);
  const resolvedKey = await resolveOpenAiKey(env, secrets);
  const openAiKey = isPlaceholderKey(resolvedKey) ? undefined : resolvedKey;
  const describers = describersFor(env.PHAROS_DESCRIBER, openAiKey);
  const config = loadConfig({
    // The AWS roles of every port; the stack may still override any of them.
    PHAROS_STORAGE: 's3',
    PHAROS_QUEUE: 'sqs',
    PHAROS_STATUS: 'dynamodb',
    PHAROS_NOTIFIER: 'sns',
    // Only the functions that verify tokens (API, $connect) get an issuer; the others never authenticate.
    PHAROS_AUTH: env.OIDC_ISSUER ? 'oidc' : 'local',
    PHAROS_DATA_DIR: '/tmp/pharos',
    // One invocation at a time per environment: offline AI, if chosen, runs on the invocation's thread.
    PHAROS_AI_THREADS: '0',
    ...env,
    DATABASE_URL: databaseUrl,
    ...(openAiKey ? { OPENAI_API_KEY: openAiKey } : {}),
    ...(describers ? { PHAROS_DESCRIBER: describers } : {}),
  });
  const logger = createLogger(config.LOG_LEVEL);
  if (describers !== env.PHAROS_DESCRIBER)
    logger.warn(
      { describers },
      'the OpenAI key is still the placeholder: captions come from the local describer',
    );
  // One invocation at a time per environment: two connections are plenty; RDS Proxy pools the rest.
  const db = createPool(databaseUrl, 2);
  const services = buildServices(config, {
    db,
    databaseUrl,
    logger,
    // S3 sends its own events to EventBridge; Step Functions runs the executions.
    emitObjectEvents: false,
    engine: ({ executions }) =>
      new StepFunctionsExecutionEngine({
        stateMachineArn: env.PHAROS_STATE_MACHINE_ARN ?? '',
        executions,
        client: new SFNClient({}),
      }),
    notifier: decorate.notifier,
  });
  return {
    ...services,
    env,
    close: async () => {
      await services.close();
      await db.end();
    },
  };
}

let cached: Promise<LambdaRuntime> | undefined;

/** Once per cold start; a failed build is not cached, so the next invocation tries again. */
export function lambdaRuntime(): Promise<LambdaRuntime> {
  cached ??= buildLambdaRuntime().catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}
