/**
 * The whole seed architecture in one stack, environment-agnostic (no lookups: synthesises with no
 * credentials and no network). Concerns live in their own constructs: data, beauty model, pipeline,
 * API, web and alarms; the schema is migrated by a custom resource before anything uses it.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { CfnOutput, CustomResource, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import type { Construct } from 'constructs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { PharosApi, SIGN_IN_SCOPES } from './api.js';
import { BeautyEndpoint } from './beauty.js';
import { PharosData } from './data.js';
import { PharosWeb } from './edge.js';
import { ROOT, pharosFunction } from './functions.js';
import { PharosAlarms } from './monitoring.js';
import { acknowledgeFindings } from './nag.js';
import { PharosPipeline } from './pipeline.js';
import { type PharosSettings, readSettings } from './settings.js';

export function migrationsHash(): string {
  const dir = path.join(ROOT, 'src/adapters/postgres/migrations');
  const hash = createHash('sha256');
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort())
    hash.update(file).update(readFileSync(path.join(dir, file)));
  return hash.digest('hex').slice(0, 16);
}

export class PharosStack extends Stack {
  readonly settings: PharosSettings;
  readonly data: PharosData;
  readonly beauty: BeautyEndpoint;
  readonly pipeline: PharosPipeline;
  readonly api: PharosApi;
  readonly web: PharosWeb;
  readonly alarms: PharosAlarms;
  readonly schema: CustomResource;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);
    this.settings = readSettings(this);
    this.data = new PharosData(this, 'Data', this.settings);
    this.beauty = new BeautyEndpoint(this, 'Beauty', this.settings);
    this.pipeline = new PharosPipeline(this, 'Pipeline', {
      data: this.data,
      beauty: this.beauty,
      settings: this.settings,
      queuePrefix: `${this.stackName}-`,
    });
    this.api = new PharosApi(this, 'Api', {
      data: this.data,
      pipeline: this.pipeline,
      settings: this.settings,
    });
    this.web = new PharosWeb(this, 'Web', {
      httpApi: this.api.httpApi,
      accessLogs: this.data.accessLogs,
      webDist: this.settings.webDist,
      domainName: this.settings.webDomainName,
      certificateArn: this.settings.webCertificateArn,
    });
    this.api.allowSignInFrom(this.web.url);
    this.web.writeRuntimeConfig({
      // The page's own origin: CloudFront routes the API paths, whichever domain the page was opened on.
      apiBaseUrl: '',
      webSocketUrl: this.api.webSocketStage.url,
      auth: {
        mode: 'oidc',
        authority: this.api.issuer,
        clientId: this.api.client.userPoolClientId,
        scope: SIGN_IN_SCOPES.join(' '),
        logoutUrl: this.api.logoutUrl(),
      },
      upload: { mode: 'direct', maxBytes: this.settings.maxUploadBytes },
    });
    // The browser POSTs photos straight to the uploads bucket and follows presigned redirects to read them.
    this.data.uploads.addCorsRule({
      allowedOrigins: [this.web.url],
      allowedMethods: [s3.HttpMethods.POST, s3.HttpMethods.GET],
      allowedHeaders: ['*'],
      maxAge: 3600,
    });

    // Schema migrations, re-run whenever a migration file changes.
    const migrate = pharosFunction(this, 'MigrateFunction', {
      vpc: this.data.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [this.data.databaseClients],
      withNativeDeps: true,
      entry: 'migrate',
      description: 'Pharos schema migrations (CloudFormation custom resource)',
      timeout: Duration.minutes(5),
      environment: this.pipeline.sharedEnvironment,
    });
    this.data.database.secret!.grantRead(migrate);
    const provider = new cr.Provider(this, 'MigrationProvider', {
      onEventHandler: migrate,
      logGroup: new logs.LogGroup(this, 'MigrationProviderLogs', { retention: logs.RetentionDays.ONE_MONTH }),
    });
    this.schema = new CustomResource(this, 'Schema', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::PharosSchema',
      properties: { Migrations: migrationsHash() },
    });
    this.schema.node.addDependency(this.data.proxy, this.data.database);
    // Nothing that queries PostgreSQL is reachable before the schema exists.
    for (const fn of [
      this.pipeline.starter,
      this.pipeline.reconciler,
      this.pipeline.sweep,
      this.api.apiFunction,
      ...Object.values(this.pipeline.stepFunctions),
    ]) {
      fn.node.addDependency(this.schema);
    }

    this.alarms = new PharosAlarms(this, 'Alarms', {
      deadLetters: this.pipeline.deadLetters,
      stateMachine: this.pipeline.stateMachine,
      email: this.settings.alarmEmail,
      functions: {
        Api: this.api.apiFunction,
        Starter: this.pipeline.starter,
        Reconciler: this.pipeline.reconciler,
        Sweep: this.pipeline.sweep,
        Notifier: this.api.notifierFunction,
        WsConnect: this.api.connectFunction,
        ...Object.fromEntries(Object.entries(this.pipeline.stepFunctions)),
      },
    });

    new CfnOutput(this, 'UploadsBucket', { value: this.data.uploads.bucketName });
    new CfnOutput(this, 'StateMachineArn', { value: this.pipeline.stateMachine.stateMachineArn });
    new CfnOutput(this, 'OpenAiSecretArn', { value: this.pipeline.openAiKey.secretArn });
    acknowledgeFindings(this, this.settings, Object.keys(this.pipeline.stepFunctions));
  }
}
