/**
 * The front doors: Cognito (the identity provider), an HTTP API whose Cognito JWT authorizer guards the
 * photo routes of the one Hono app, and a WebSocket API whose `$connect` verifies the same JWT; an
 * SNS-subscribed notifier posts each notification to the owner's open connections.
 */
import { Aws, CfnOutput, Duration, Lazy, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import {
  HttpLambdaIntegration,
  WebSocketLambdaIntegration,
  WebSocketMockIntegration,
} from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { RENDITION_PREFIX, THUMBNAIL_PREFIX, UPLOAD_PREFIX } from '../../src/core/events.js';
import type { PharosData } from './data.js';
import { pharosFunction } from './functions.js';
import type { PharosPipeline } from './pipeline.js';
import type { PharosSettings } from './settings.js';

/** The scopes the web UI and the CLI ask for (the app client allows exactly these). */
export const SIGN_IN_SCOPES = ['openid', 'email', 'profile'] as const;

export class PharosApi extends Construct {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;
  /** The managed login pages (`https://<prefix>.auth.<region>.amazoncognito.com`). */
  readonly domain: cognito.UserPoolDomain;
  /** The OIDC issuer (also the authority the browser discovers the endpoints from). */
  readonly issuer: string;
  private webUrl: string | undefined;
  readonly httpApi: apigwv2.HttpApi;
  readonly webSocketApi: apigwv2.WebSocketApi;
  readonly webSocketStage: apigwv2.WebSocketStage;
  readonly apiFunction: lambda.Function;
  readonly connectFunction: lambda.Function;
  readonly disconnectFunction: lambda.Function;
  readonly notifierFunction: lambda.Function;

  constructor(
    scope: Construct,
    id: string,
    props: {
      data: PharosData;
      pipeline: PharosPipeline;
      settings: Pick<PharosSettings, 'selfSignUp' | 'authDomainPrefix' | 'maxUploadBytes'>;
    },
  ) {
    super(scope, id);
    const { data, pipeline, settings } = props;

    this.userPool = new cognito.UserPool(this, 'Users', {
      selfSignUpEnabled: settings.selfSignUp,
      ...(settings.selfSignUp ? { autoVerify: { email: true }, signInCaseSensitive: false } : {}),
      signInAliases: { username: true, email: true },
      passwordPolicy: {
        minLength: 12,
        requireDigits: true,
        requireLowercase: true,
        requireUppercase: true,
        requireSymbols: true,
      },
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Managed login (the newer pages) on a Cognito domain: sign-in, sign-up when allowed, password reset.
    this.domain = this.userPool.addDomain('Login', {
      cognitoDomain: {
        domainPrefix:
          settings.authDomainPrefix || `${Stack.of(this).stackName.toLowerCase()}-${Aws.ACCOUNT_ID}`,
      },
      managedLoginVersion: cognito.ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
    // The web UI and the CLI: a public client (no secret), authorization code + PKCE, redirects only to
    // the CloudFront URL (set once the distribution exists, see allowSignInFrom).
    const webUrl = Lazy.string({ produce: () => this.requireWebUrl() });
    this.client = this.userPool.addClient('Web', {
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: [webUrl, Lazy.string({ produce: () => `${this.requireWebUrl()}/` })],
        logoutUrls: [webUrl, Lazy.string({ produce: () => `${this.requireWebUrl()}/` })],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
      enableTokenRevocation: true,
      preventUserExistenceErrors: true,
    });
    new cognito.CfnManagedLoginBranding(this, 'LoginBranding', {
      userPoolId: this.userPool.userPoolId,
      clientId: this.client.userPoolClientId,
      useCognitoProvidedValues: true,
    });
    const issuer = `https://cognito-idp.${Aws.REGION}.amazonaws.com/${this.userPool.userPoolId}`;
    this.issuer = issuer;
    const oidc = { PHAROS_AUTH: 'oidc', OIDC_ISSUER: issuer, OIDC_AUDIENCE: this.client.userPoolClientId };

    // ---- REST: the Hono app ----
    this.apiFunction = pharosFunction(this, 'ApiFunction', {
      vpc: data.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [data.databaseClients],
      withNativeDeps: true,
      entry: 'api',
      description: 'Pharos REST API: the Hono app behind API Gateway',
      timeout: Duration.seconds(29),
      memorySize: 1024,
      environment: {
        ...pipeline.sharedEnvironment,
        ...oidc,
        PHAROS_MAX_UPLOAD_BYTES: String(settings.maxUploadBytes),
      },
    });
    data.database.secret!.grantRead(this.apiFunction);
    pipeline.topic.grantPublish(this.apiFunction);
    this.apiFunction.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject'],
        resources: [
          data.uploads.arnForObjects(`${UPLOAD_PREFIX}*`),
          data.uploads.arnForObjects(`${THUMBNAIL_PREFIX}*`),
          data.uploads.arnForObjects(`${RENDITION_PREFIX}*`),
        ],
      }),
    );
    this.apiFunction.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
        resources: [data.statusTable.tableArn],
      }),
    );
    this.apiFunction.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['sqs:GetQueueUrl', 'sqs:SendMessage'],
        resources: [pipeline.queue.queueArn],
      }),
    );

    const accessLogs = new logs.LogGroup(this, 'HttpAccessLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const integration = new HttpLambdaIntegration('Hono', this.apiFunction);
    const authorizer = new HttpJwtAuthorizer('Cognito', issuer, {
      jwtAudience: [this.client.userPoolClientId],
    });
    this.httpApi = new apigwv2.HttpApi(this, 'Http', {
      description: 'Pharos REST API',
      createDefaultStage: false,
    });
    const stage = this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 50, burstLimit: 100 },
    });
    const cfnStage = stage.node.defaultChild as apigwv2.CfnStage;
    cfnStage.accessLogSettings = {
      destinationArn: accessLogs.logGroupArn,
      format: JSON.stringify({
        requestId: '$context.requestId',
        ip: '$context.identity.sourceIp',
        method: '$context.httpMethod',
        path: '$context.path',
        status: '$context.status',
        latency: '$context.responseLatency',
        user: '$context.authorizer.claims.sub',
      }),
    };
    this.httpApi.addRoutes({ path: '/images', methods: [apigwv2.HttpMethod.ANY], integration, authorizer });
    this.httpApi.addRoutes({
      path: '/images/{proxy+}',
      methods: [apigwv2.HttpMethod.ANY],
      integration,
      authorizer,
    });
    // Public like the local server's: health, readiness and the OpenAPI document.
    for (const path of ['/healthz', '/readyz', '/openapi.json']) {
      this.httpApi.addRoutes({ path, methods: [apigwv2.HttpMethod.GET], integration });
    }

    // ---- WebSocket ----
    const wsEnvironment = { PHAROS_CONNECTIONS_TABLE: data.connectionsTable.tableName, ...oidc };
    this.connectFunction = pharosFunction(this, 'WsConnectFunction', {
      entry: 'ws-connect',
      description: 'Pharos WebSocket $connect: verifies the Cognito JWT, stores the connection',
      environment: wsEnvironment,
    });
    this.disconnectFunction = pharosFunction(this, 'WsDisconnectFunction', {
      entry: 'ws-disconnect',
      description: 'Pharos WebSocket $disconnect: forgets the connection',
      environment: wsEnvironment,
    });
    this.connectFunction.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['dynamodb:PutItem'], resources: [data.connectionsTable.tableArn] }),
    );
    this.disconnectFunction.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:DeleteItem'],
        resources: [data.connectionsTable.tableArn],
      }),
    );
    this.webSocketApi = new apigwv2.WebSocketApi(this, 'WebSocket', {
      description: 'Pharos live updates',
      connectRouteOptions: { integration: new WebSocketLambdaIntegration('Connect', this.connectFunction) },
      disconnectRouteOptions: {
        integration: new WebSocketLambdaIntegration('Disconnect', this.disconnectFunction),
      },
    });
    // The clients' keep-alive (`{"action":"ping"}`, no such route) lands on $default: a MOCK integration
    // answers it inside API Gateway (no Lambda, no cost but the message) and sends nothing back.
    this.webSocketApi.addRoute('$default', {
      integration: new WebSocketMockIntegration('KeepAlive', {
        requestTemplates: { $default: '{"statusCode": 200}' },
        templateSelectionExpression: '\\$default',
      }),
    });
    this.webSocketStage = new apigwv2.WebSocketStage(this, 'WebSocketStage', {
      webSocketApi: this.webSocketApi,
      stageName: 'live',
      autoDeploy: true,
      throttle: { rateLimit: 20, burstLimit: 40 },
    });
    const wsAccessLogs = new logs.LogGroup(this, 'WsAccessLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    (this.webSocketStage.node.defaultChild as apigwv2.CfnStage).accessLogSettings = {
      destinationArn: wsAccessLogs.logGroupArn,
      format: JSON.stringify({
        requestId: '$context.requestId',
        route: '$context.routeKey',
        status: '$context.status',
        connection: '$context.connectionId',
      }),
    };

    this.notifierFunction = pharosFunction(this, 'NotifierFunction', {
      entry: 'notifier',
      description: "Pharos notifier: SNS → the owner's WebSocket connections",
      environment: { ...wsEnvironment, PHAROS_WS_ENDPOINT: this.webSocketStage.callbackUrl },
    });
    this.notifierFunction.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [`${data.connectionsTable.tableArn}/index/*`],
      }),
    );
    this.notifierFunction.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:DeleteItem'],
        resources: [data.connectionsTable.tableArn],
      }),
    );
    this.webSocketStage.grantManagementApiAccess(this.notifierFunction);
    pipeline.topic.addSubscription(new subscriptions.LambdaSubscription(this.notifierFunction));

    new CfnOutput(scope, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(scope, 'SignInDomain', { value: this.domain.baseUrl() });
    new CfnOutput(scope, 'UserPoolClientId', { value: this.client.userPoolClientId });
    new CfnOutput(scope, 'HttpApiUrl', { value: this.httpApi.apiEndpoint });
    new CfnOutput(scope, 'WebSocketUrl', { value: this.webSocketStage.url });
  }

  /** The web UI's URL: the only sign-in callback and sign-out redirect of the app client. */
  allowSignInFrom(webUrl: string): void {
    this.webUrl = webUrl;
  }

  /**
   * Cognito's logout endpoint (not in its discovery document): ends the managed login session. The UI
   * appends `?client_id=<clientId>&logout_uri=<origin>/` (CONTRACTS.md, aws-ui).
   */
  logoutUrl(): string {
    return `${this.domain.baseUrl()}/logout`;
  }

  private requireWebUrl(): string {
    if (!this.webUrl) throw new Error('PharosApi.allowSignInFrom(webUrl) was not called');
    return this.webUrl;
  }
}
