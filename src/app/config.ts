/**
 * Configuration from the environment (and `.env`), validated once at start. Every error names the
 * variable and what would fix it.
 */
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const providerList = (allowed: readonly string[]) =>
  z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(allowed as [string, ...string[]])).min(1));

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const LABEL_PROVIDERS = ['local', 'scripted', 'rekognition', 'vision'] as const;
export const DESCRIBER_PROVIDERS = ['local', 'scripted', 'openai'] as const;
export const BEAUTY_PROVIDERS = ['local', 'scripted', 'sagemaker', 'http'] as const;

const schema = z
  .object({
    PORT: int(0, 65535).default(8080),
    HOST: z.string().min(1).default('127.0.0.1'),
    PHAROS_DATA_DIR: z.string().min(1).default('./data'),
    // As root, where the embedded PostgreSQL is staged when "postgres" cannot enter the checkout/data dir.
    PHAROS_POSTGRES_HOME: z.string().min(1).default('/var/lib/pharos'),
    DATABASE_URL: z.string().url().optional(),
    PHAROS_PUBLIC_URL: z.string().url().optional(),
    PHAROS_AUTO_PROCESS: bool.default(true),
    // owner: a photo's EXIF GPS position is in its owner's GET /images/{id}; strip: in no API output.
    PHAROS_GPS: z.enum(['owner', 'strip']).default('owner'),
    PHAROS_BEAUTY_FAILURE: z.enum(['null', 'fail']).default('null'),
    PHAROS_LABELS: providerList(LABEL_PROVIDERS).default(['local']),
    PHAROS_DESCRIBER: providerList(DESCRIBER_PROVIDERS).default(['local']),
    PHAROS_BEAUTY: providerList(BEAUTY_PROVIDERS).default(['local']),
    // OCR within DetectLabels: `local` (PaddleOCR on onnxruntime, models from npm), `tesseract` (the
    // older reader: Tesseract on wasm) or `none`.
    PHAROS_TEXT: z.enum(['none', 'local', 'tesseract']).default('none'),
    PHAROS_LABELS_MAX: int(1, 100).default(10),
    PHAROS_LABELS_MIN_CONFIDENCE: z.coerce.number().min(0).max(100).default(80),
    PHAROS_MAX_UPLOAD_BYTES: int(1, 1024 * 1024 * 1024).default(25 * 1024 * 1024),
    PHAROS_MAX_PIXELS: int(1, 1_000_000_000).default(50_000_000),
    PHAROS_AUTH: z.enum(['local', 'oidc']).default('local'),
    PHAROS_TOKEN_TTL_SECONDS: int(60, 30 * 24 * 3600).default(12 * 3600),
    PHAROS_LOGIN_FAILURES_PER_USERNAME: int(1, 1000).default(5),
    PHAROS_LOGIN_FAILURES_PER_ADDRESS: int(1, 100_000).default(20),
    PHAROS_LOGIN_LOCK_SECONDS: int(1, 3600).default(1),
    OIDC_ISSUER: z.string().url().optional(),
    OIDC_AUDIENCE: z.string().min(1).optional(),
    OIDC_JWKS_URL: z.string().url().optional(),
    // The browser's and the CLI's sign-in (GET /config.json): the provider's client and scopes.
    OIDC_CLIENT_ID: z.string().min(1).optional(),
    OIDC_SCOPE: z.string().min(1).default('openid profile email'),
    OIDC_LOGOUT_URL: z.string().url().optional(),
    // Where the web UI finds the API and the WebSocket when they are not on the page's origin.
    PHAROS_WEB_API_URL: z.string().url().optional(),
    PHAROS_WEB_SOCKET_URL: z
      .string()
      .regex(/^wss?:\/\/[^\s]+$/, 'must be a ws:// or wss:// URL')
      .optional(),
    PHAROS_UPLOAD_MODE: z.enum(['multipart', 'direct']).default('multipart'),
    PHAROS_STORAGE: z.enum(['fs', 's3']).default('fs'),
    PHAROS_BUCKET: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a valid S3 bucket name')
      .default('pharos-photos'),
    PHAROS_QUEUE: z.enum(['pgboss', 'sqs']).default('pgboss'),
    PHAROS_STATUS: z.enum(['postgres', 'dynamodb']).default('postgres'),
    PHAROS_NOTIFIER: z.enum(['postgres', 'sns']).default('postgres'),
    // AWS adapters: region, credentials and endpoints come from the SDK's standard variables.
    PHAROS_SQS_QUEUE_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_-]*$/, 'may hold only letters, digits, - and _')
      .default('pharos-'),
    PHAROS_SQS_WAIT_SECONDS: int(0, 20).default(20),
    PHAROS_SQS_VISIBILITY_SECONDS: int(5, 43_200).default(60),
    PHAROS_DYNAMODB_TABLE: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{3,255}$/, 'must be a valid DynamoDB table name')
      .default('pharos-image-status'),
    PHAROS_SNS_TOPIC_ARN: z
      .string()
      .regex(
        /^arn:[^:]+:sns:[^:]*:[^:]*:[A-Za-z0-9_-]+$/,
        'must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)',
      )
      .optional(),
    PHAROS_REKOGNITION_MAX_LABELS: int(1, 1000).default(25),
    PHAROS_REKOGNITION_MIN_CONFIDENCE: z.coerce.number().min(0).max(100).default(55),
    OPENAI_API_KEY: z.string().min(1).optional(),
    OPENAI_BASE_URL: z.string().url().optional(),
    PHAROS_OPENAI_MODEL: z.string().min(1).default('gpt-4o-mini'),
    PHAROS_OPENAI_VISION: bool.default(false),
    PHAROS_OPENAI_PRICE_PER_MTOKENS: z
      .string()
      .regex(
        /^\s*\d+(\.\d+)?\s*,\s*\d+(\.\d+)?\s*$/,
        'must be "input,output" in USD per million tokens, e.g. "0.15,0.60"',
      )
      .optional(),
    // The vision labeller (PHAROS_LABELS=vision): any OpenAI-compatible server with a vision model.
    PHAROS_VISION_URL: z.string().url().optional(),
    PHAROS_VISION_MODEL: z.string().min(1).default('qwen2.5vl:7b'),
    PHAROS_VISION_API_KEY: z.string().min(1).optional(),
    // Below DetectLabels' 60 s timeout, so the next labeller of the list still has time to answer.
    PHAROS_VISION_TIMEOUT_SECONDS: int(1, 50).default(30),
    PHAROS_SAGEMAKER_ENDPOINT: z
      .string()
      .regex(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/, 'must be a SageMaker endpoint name')
      .optional(),
    PHAROS_SAGEMAKER_MODEL_ID: z.string().min(1).optional(),
    PHAROS_SAGEMAKER_LABEL: z.string().min(1).optional(),
    PHAROS_SAGEMAKER_SCALE: z.enum(['0-1', '0-10', '0-100']).optional(),
    PHAROS_BEAUTY_URL: z.string().url().optional(),
    PHAROS_BEAUTY_API_KEY: z.string().min(1).optional(),
    PHAROS_BEAUTY_MODEL_ID: z.string().min(1).optional(),
    PHAROS_BEAUTY_LABEL: z.string().min(1).optional(),
    PHAROS_BEAUTY_SCALE: z.enum(['0-1', '0-10', '0-100']).optional(),
    // Unset: one more than the AI threads when the offline AI runs on them (the pool stays busy and a
    // burst waits in the queue), else 4.
    PHAROS_WORKER_BATCH: int(1, 64).optional(),
    // Worker threads for the offline AI; 0 runs it on the main thread. Unset: one per core.
    PHAROS_AI_THREADS: int(0, 256).optional(),
    PHAROS_QUEUE_SUPERVISE_SECONDS: int(1, 3600).default(10),
    // The safety net for work a crash left without a queued ticket (see ProcessingService.recoverStalled).
    PHAROS_SWEEP_SECONDS: int(1, 3600).default(60),
    PHAROS_STALLED_AFTER_SECONDS: int(1, 86_400).default(300),
    // Test and benchmark knobs: scale the definition's retry delays and state timeouts.
    PHAROS_RETRY_DELAY_SCALE: z.coerce.number().min(0).max(100).default(1),
    PHAROS_STATE_TIMEOUT_SCALE: z.coerce.number().min(0.001).max(100).default(1),
    PHAROS_SCRIPTED: z.string().optional(),
    // /metrics: served to this machine only (localhost), to anyone who reaches the port (public), or not at all.
    PHAROS_METRICS: z.enum(['localhost', 'public', 'off']).default('localhost'),
    PHAROS_METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters (a random secret)').optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .superRefine((env, ctx) => {
    const need = (variable: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: [variable], message });
    if (env.PHAROS_DESCRIBER.includes('openai') && !env.OPENAI_API_KEY) {
      need(
        'OPENAI_API_KEY',
        'is required when PHAROS_DESCRIBER includes openai (any non-empty key for a local OpenAI-compatible server)',
      );
    }
    if (env.PHAROS_LABELS.includes('vision') && !env.PHAROS_VISION_URL) {
      need(
        'PHAROS_VISION_URL',
        'is required when PHAROS_LABELS includes vision (the OpenAI-compatible base URL, e.g. http://127.0.0.1:11434/v1 for Ollama)',
      );
    }
    if (env.PHAROS_BEAUTY.includes('sagemaker')) {
      if (!env.PHAROS_SAGEMAKER_ENDPOINT)
        need(
          'PHAROS_SAGEMAKER_ENDPOINT',
          'is required when PHAROS_BEAUTY includes sagemaker (the endpoint name)',
        );
      if (!env.PHAROS_SAGEMAKER_LABEL && !env.PHAROS_SAGEMAKER_SCALE) {
        need(
          'PHAROS_SAGEMAKER_LABEL',
          'or PHAROS_SAGEMAKER_SCALE is required with PHAROS_BEAUTY=sagemaker: the label for [{"label","score"}] answers (e.g. aesthetic), or the scale of {"beauty_score"} (0-1, 0-10, 0-100)',
        );
      }
    }
    if (env.PHAROS_BEAUTY.includes('http')) {
      if (!env.PHAROS_BEAUTY_URL)
        need(
          'PHAROS_BEAUTY_URL',
          'is required when PHAROS_BEAUTY includes http (the model server URL that takes a POSTed JPEG)',
        );
      if (!env.PHAROS_BEAUTY_LABEL && !env.PHAROS_BEAUTY_SCALE) {
        need(
          'PHAROS_BEAUTY_LABEL',
          'or PHAROS_BEAUTY_SCALE is required with PHAROS_BEAUTY=http: the label for [{"label","score"}] answers, or the scale of {"beauty_score"}',
        );
      }
    }
    if (env.PHAROS_NOTIFIER === 'sns' && !env.PHAROS_SNS_TOPIC_ARN) {
      need('PHAROS_SNS_TOPIC_ARN', 'is required when PHAROS_NOTIFIER=sns');
    }
    if (env.PHAROS_AUTH === 'oidc' && !env.OIDC_ISSUER) {
      ctx.addIssue({
        code: 'custom',
        path: ['OIDC_ISSUER'],
        message:
          'is required when PHAROS_AUTH=oidc (e.g. https://cognito-idp.<region>.amazonaws.com/<pool id>)',
      });
    }
    if (env.PHAROS_AUTH === 'oidc' && !env.OIDC_CLIENT_ID && !env.OIDC_AUDIENCE) {
      need(
        'OIDC_CLIENT_ID',
        'is required when PHAROS_AUTH=oidc (the client id registered at your provider for Pharos; OIDC_AUDIENCE also works)',
      );
    }
  });

export type Config = z.infer<typeof schema> & {
  dataDir: string;
  /** Threads of the offline AI pool; 0 when it runs on the main thread or no offline provider is chosen. */
  aiThreads: number;
  /** Photos a worker process runs at once (PHAROS_WORKER_BATCH, or derived from the AI threads). */
  workerConcurrency: number;
};

function derived(env: z.infer<typeof schema>) {
  const offlineAi =
    env.PHAROS_LABELS.includes('local') || env.PHAROS_BEAUTY.includes('local') || env.PHAROS_TEXT === 'local';
  const aiThreads = offlineAi ? (env.PHAROS_AI_THREADS ?? availableParallelism()) : 0;
  return { aiThreads, workerConcurrency: env.PHAROS_WORKER_BATCH ?? (aiThreads > 0 ? aiThreads + 1 : 4) };
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const variable = issue.path.join('.') || '(environment)';
      const value = env[variable];
      // Never echo anything that could hold a credential.
      const shown =
        value !== undefined && !/URL|KEY|SECRET|PASSWORD|TOKEN/i.test(variable)
          ? `=${JSON.stringify(value)}`
          : '';
      return `  ${variable}${shown}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid configuration (see docs/configuration.md):\n${lines.join('\n')}`);
  }
  return { ...parsed.data, ...derived(parsed.data), dataDir: path.resolve(parsed.data.PHAROS_DATA_DIR) };
}
