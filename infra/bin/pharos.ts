/**
 * The CDK app: `npm run synth` (no credentials, no network) or `npx cdk deploy` (see docs/aws.md).
 * The stack is environment-agnostic; cdk-nag's AWS Solutions pack validates it on every synth.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { PharosStack } from '../lib/pharos-stack.js';

export function buildApp(app = new App()): { app: App; stack: PharosStack } {
  const stackName = (app.node.tryGetContext('pharos:stackName') as string | undefined) ?? 'Pharos';
  const stack = new PharosStack(app, stackName, {
    description: 'Pharos: photo labels, caption, tags and beauty score (the seed architecture)',
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { app } = buildApp(new App({ outdir: process.env.CDK_OUTDIR ?? 'infra/cdk.out' }));
  app.synth();
}
