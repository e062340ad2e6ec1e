/**
 * The web UI on S3 behind CloudFront (origin access control; the bucket stays private), with the API's
 * paths routed to the HTTP API on the same origin, so the browser needs no CORS for the API. The UI's
 * runtime configuration (`/config.json`) is written next to the bundle at deploy time from the stack's
 * own values, so one build of `web/` serves every deployment.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { CfnOutput, Fn, RemovalPolicy } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import type { WebConfig } from '../../src/app/http/web-config.js';
import { ROOT } from './functions.js';

/** Paths the HTTP API answers; everything else is the web UI. */
export const API_PATHS = ['/images', '/images/*', '/healthz', '/readyz', '/openapi.json'] as const;

/**
 * Viewer-request function on the web behaviour only: an app route (a path without a file extension)
 * gets index.html. The API behaviours keep their own status codes (a 403 or 404 from the API stays one).
 */
export const SPA_ROUTES_FUNCTION = `function handler(event) {
  var request = event.request;
  if (!/\\.[A-Za-z0-9]+$/.test(request.uri)) request.uri = '/index.html';
  return request;
}`;

export class PharosWeb extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly deployment: s3deploy.BucketDeployment;
  /** `https://<distribution domain>`: where the UI and the API are reached. */
  readonly url: string;
  /** What `/config.json` holds (deploy-time values still tokens), once written. */
  runtimeConfig: WebConfig | undefined;

  constructor(
    scope: Construct,
    id: string,
    props: {
      httpApi: apigwv2.HttpApi;
      accessLogs: s3.IBucket;
      webDist: string;
      /** A custom domain and its ACM certificate (us-east-1); both empty for the CloudFront domain. */
      domainName?: string;
      certificateArn?: string;
    },
  ) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Site', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: 'web/',
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
    });
    const apiDomain = Fn.select(2, Fn.split('/', props.httpApi.apiEndpoint));
    const api = new origins.HttpOrigin(apiDomain, {
      protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
    });
    const apiBehavior: cloudfront.BehaviorOptions = {
      origin: api,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
    };
    const spaRoutes = new cloudfront.Function(this, 'SpaRoutes', {
      comment: 'Pharos: app routes without a file extension are answered by index.html',
      code: cloudfront.FunctionCode.fromInline(SPA_ROUTES_FUNCTION),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
    });
    this.distribution = new cloudfront.Distribution(this, 'Cdn', {
      comment: 'Pharos web UI and API',
      defaultRootObject: 'index.html',
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      ...(props.domainName && props.certificateArn
        ? {
            domainNames: [props.domainName],
            certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn),
          }
        : {}),
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        functionAssociations: [
          { function: spaRoutes, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST },
        ],
      },
      additionalBehaviors: Object.fromEntries(API_PATHS.map((p) => [p, apiBehavior])),
    });
    this.url = `https://${props.domainName || this.distribution.distributionDomainName}`;
    const dist = props.webDist ? path.resolve(ROOT, props.webDist) : '';
    this.deployment = new s3deploy.BucketDeployment(this, 'Deploy', {
      sources: dist && existsSync(path.join(dist, 'index.html')) ? [s3deploy.Source.asset(dist)] : [],
      destinationBucket: this.bucket,
      distribution: this.distribution,
    });
    new CfnOutput(scope, 'WebUrl', { value: this.url });
  }

  /** Writes `/config.json` with the same deployment as the bundle (one prune, so neither removes the other). */
  writeRuntimeConfig(config: WebConfig): void {
    this.runtimeConfig = config;
    this.deployment.addSource(s3deploy.Source.jsonData('config.json', config));
  }
}
