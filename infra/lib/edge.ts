/**
 * The web UI on S3 behind CloudFront (origin access control; the bucket stays private), with the API's
 * paths routed to the HTTP API on the same origin, so the browser needs no CORS.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { CfnOutput, Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Fn } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ROOT } from './functions.js';

export class PharosWeb extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly deployment: s3deploy.BucketDeployment | null;

  constructor(
    scope: Construct,
    id: string,
    props: { httpApi: apigwv2.HttpApi; accessLogs: s3.IBucket; webDist: string },
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
    this.distribution = new cloudfront.Distribution(this, 'Cdn', {
      comment: 'Pharos web UI and API',
      defaultRootObject: 'index.html',
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
      },
      additionalBehaviors: {
        '/images': apiBehavior,
        '/images/*': apiBehavior,
        '/healthz': apiBehavior,
        '/readyz': apiBehavior,
        '/openapi.json': apiBehavior,
      },
      // The single-page app answers its own routes.
      errorResponses: [
        {
          httpStatus: 403,
          responseHttpStatus: 200,
          responsePagePath: '/index.html',
          ttl: Duration.minutes(5),
        },
      ],
    });
    const dist = props.webDist ? path.resolve(ROOT, props.webDist) : '';
    this.deployment =
      dist && existsSync(path.join(dist, 'index.html'))
        ? new s3deploy.BucketDeployment(this, 'Deploy', {
            sources: [s3deploy.Source.asset(dist)],
            destinationBucket: this.bucket,
            distribution: this.distribution,
          })
        : null;
    new CfnOutput(scope, 'WebUrl', { value: `https://${this.distribution.distributionDomainName}` });
  }
}
