/**
 * Deployment settings, read from CDK context (`cdk deploy -c pharos:openAiModel=gpt-4o-mini`) with
 * defaults that synthesise anywhere: no value here needs an AWS lookup or credentials.
 */
import type { Construct } from 'constructs';

export interface PharosSettings {
  /** OpenAI chat model for captions and tags. */
  openAiModel: string;
  /** Send the photo itself to OpenAI (the describer's vision mode); off by default. */
  openAiVision: boolean;
  /** Max concurrent Lambda environments per provider step: the stack's throttle on each provider. */
  rekognitionConcurrency: number;
  openAiConcurrency: number;
  /** SageMaker serverless MaxConcurrency (1–200); ScoreBeauty's concurrency follows it. */
  sageMakerConcurrency: number;
  sageMakerMemoryMb: number;
  /** The Hugging Face inference (PyTorch, CPU) container for the region; `{region}` is substituted. */
  huggingFaceImage: string;
  /** How many SQS batches the starter works on at once (≥ 2, SQS event source maxConcurrency). */
  starterConcurrency: number;
  /** Where the built web UI is (`npm run build:web`); empty to deploy the stack without it. */
  webDist: string;
  /** E-mail for CloudWatch alarms; empty for none. */
  alarmEmail: string;
  /** Reserved concurrency needs spare account concurrency; new accounts (limit 10) must set false. */
  reserveConcurrency: boolean;
  beautyFailure: 'null' | 'fail';
  /** RDS Multi-AZ (a standby in a second AZ, automatic failover): production, at twice the instance cost. */
  multiAz: boolean;
  /** One NAT gateway per AZ (the functions keep egress when an AZ fails) instead of one shared NAT. */
  natPerAz: boolean;
  /** Lambda architecture: sharp's native build is installed for it at synth time. */
  lambdaArchitecture: 'x86_64' | 'arm64';
  /** Anyone may create an account on the Cognito managed login page (off: an admin creates users). */
  selfSignUp: boolean;
  /** Cognito managed login domain prefix (`<prefix>.auth.<region>.amazoncognito.com`); empty: `<stack>-<account>`. */
  authDomainPrefix: string;
  /** Custom domain of the web UI and API (CloudFront alias); needs webCertificateArn. Empty: *.cloudfront.net. */
  webDomainName: string;
  /** ACM certificate (in us-east-1) for webDomainName. */
  webCertificateArn: string;
  /** Largest upload S3 accepts for a presigned POST (content-length-range). */
  maxUploadBytes: number;
}

export const DEFAULT_SETTINGS: PharosSettings = {
  openAiModel: 'gpt-4o-mini',
  openAiVision: false,
  rekognitionConcurrency: 5,
  openAiConcurrency: 10,
  sageMakerConcurrency: 5,
  sageMakerMemoryMb: 4096,
  huggingFaceImage:
    '763104351884.dkr.ecr.{region}.amazonaws.com/huggingface-pytorch-inference:2.1.0-transformers4.37.0-cpu-py310-ubuntu22.04',
  starterConcurrency: 2,
  webDist: 'web/dist',
  alarmEmail: '',
  reserveConcurrency: true,
  beautyFailure: 'null',
  multiAz: false,
  natPerAz: false,
  lambdaArchitecture: 'x86_64',
  selfSignUp: false,
  authDomainPrefix: '',
  webDomainName: '',
  webCertificateArn: '',
  maxUploadBytes: 25 * 1024 * 1024,
};

export function readSettings(scope: Construct): PharosSettings {
  const settings = { ...DEFAULT_SETTINGS } as Record<string, unknown>;
  for (const [key, fallback] of Object.entries(DEFAULT_SETTINGS)) {
    const raw = scope.node.tryGetContext(`pharos:${key}`) as unknown;
    if (raw === undefined) continue;
    if (typeof fallback === 'number') {
      const value = Number(raw);
      if (!Number.isFinite(value))
        throw new Error(`context pharos:${key} must be a number, got ${JSON.stringify(raw)}`);
      settings[key] = value;
    } else if (typeof fallback === 'boolean') settings[key] = raw === true || raw === 'true';
    else settings[key] = String(raw);
  }
  const result = settings as unknown as PharosSettings;
  if (result.starterConcurrency < 2)
    throw new Error('context pharos:starterConcurrency must be at least 2 (SQS event source minimum)');
  if (result.beautyFailure !== 'null' && result.beautyFailure !== 'fail')
    throw new Error('context pharos:beautyFailure must be null or fail');
  if (result.lambdaArchitecture !== 'x86_64' && result.lambdaArchitecture !== 'arm64')
    throw new Error('context pharos:lambdaArchitecture must be x86_64 or arm64');
  if (result.authDomainPrefix && !/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(result.authDomainPrefix))
    throw new Error('context pharos:authDomainPrefix must be lowercase letters, digits and hyphens');
  if (Boolean(result.webDomainName) !== Boolean(result.webCertificateArn))
    throw new Error(
      'context pharos:webDomainName and pharos:webCertificateArn go together (docs/aws.md, "Custom domain")',
    );
  if (
    !Number.isInteger(result.maxUploadBytes) ||
    result.maxUploadBytes < 1 ||
    result.maxUploadBytes > 5 * 1024 ** 3
  )
    throw new Error('context pharos:maxUploadBytes must be an integer from 1 to 5 GiB (S3 POST limit)');
  return result;
}
