/**
 * cdk-nag AwsSolutions findings this design accepts, each with its written reason. Anything not
 * acknowledged here fails `infra/test/nag.test.ts`; a reason that cites docs/aws.md names a heading
 * there (`docs/aws.md, "<heading>"`), and the test checks that the heading exists.
 */
import { type CfnElement, type Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { PharosSettings } from './settings.js';

/** Every reason given, for the test that checks the docs they cite. */
export const ACKNOWLEDGED_REASONS: string[] = [];

const STACK_WIDE: { id: string; reason: string }[] = [
  {
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason:
      'The AWS managed policy grants only CloudWatch Logs writes for the function; every other permission is a scoped inline statement.',
  },
  {
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
    reason:
      'Functions in the VPC (to reach RDS Proxy) need ENI management; this AWS managed policy is the documented minimum for it.',
  },
  {
    id: 'AwsSolutions-L1',
    reason:
      'Pharos functions run nodejs24.x, the newest Node.js runtime (bundles target node22, which it runs); the CDK-provided helper functions (BucketDeployment, the custom-resource Provider framework) pin their own runtimes.',
  },
  {
    id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
    reason:
      'SNS publishing to the KMS-encrypted topic needs GenerateDataKey*; the grant is limited to that topic key (CDK grantPublish).',
  },
];

export function acknowledgeFindings(
  stack: Stack,
  settings: Pick<PharosSettings, 'multiAz' | 'webDomainName'>,
  taskStates: string[],
): void {
  const acknowledge = (scope: IConstruct, finding: { id: string; reason: string }) => {
    ACKNOWLEDGED_REASONS.push(finding.reason);
    Validations.of(scope).acknowledge(finding);
  };
  for (const finding of STACK_WIDE) acknowledge(stack, finding);
  const find = (path: string) =>
    path.split('/').reduce<IConstruct | undefined>((c, id) => c?.node.tryFindChild(id), stack);
  const logicalId = (path: string) => stack.getLogicalId(find(path)!.node.defaultChild as CfnElement);
  const uploads = `<${logicalId('Data/Uploads')}.Arn>`;
  const at = (path: string, findings: { id: string; reason: string }[]) => {
    const construct = path
      .split('/')
      .reduce<IConstruct | undefined>((c, id) => c?.node.tryFindChild(id), stack);
    if (!construct) throw new Error(`nag acknowledgement for a missing construct: ${path}`);
    for (const finding of findings) acknowledge(construct, finding);
  };

  at('Data/Postgres', [
    ...(settings.multiAz
      ? []
      : [
          {
            id: 'AwsSolutions-RDS3',
            reason:
              'Single-AZ by default to keep a small deployment cheap; -c pharos:multiAz=true deploys a Multi-AZ standby (docs/aws.md, "Production options").',
          },
        ]),
    {
      id: 'AwsSolutions-RDS11',
      reason:
        'The default PostgreSQL port is only reachable from the RDS Proxy security group in isolated subnets.',
    },
  ]);
  at('Beauty/ExecutionRole', [
    {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'ecr:GetAuthorizationToken has no resource-level permissions; cloudwatch:PutMetricData is conditioned on the AWS/SageMaker namespace.',
    },
    {
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/sagemaker/Endpoints/*]',
      reason:
        'SageMaker names the endpoint log group after the endpoint at creation time; the role is limited to endpoint log groups.',
    },
  ]);
  at('Pipeline/OpenAiKey', [
    {
      id: 'AwsSolutions-SMG4',
      reason:
        'An OpenAI API key cannot be rotated by Secrets Manager (rotate it in the OpenAI console and put the new value).',
    },
  ]);
  const renditions = {
    id: `AwsSolutions-IAM5[Resource::${uploads}/renditions/*]`,
    reason:
      "InspectImage's JPEG renditions of any photo (renditions/{user}/{image}.jpg); keys are per user and image.",
  };
  at('Pipeline/InspectImageFunction', [
    {
      id: `AwsSolutions-IAM5[Resource::${uploads}/uploads/*]`,
      reason:
        'Reads any photo that arrived under uploads/ to inspect it, and deletes one it refuses; keys are per user and image.',
    },
    {
      id: `AwsSolutions-IAM5[Resource::${uploads}/thumbnails/*]`,
      reason: 'Writes the thumbnail of any photo it inspects (thumbnails/{user}/{image}).',
    },
    renditions,
  ]);
  at('Pipeline/SweepFunction', [
    {
      id: `AwsSolutions-IAM5[Resource::${uploads}/uploads/*]`,
      reason:
        'Checks (HeadObject) and removes what an expired upload slot may have left under its key; keys are made at run time.',
    },
    {
      id: `AwsSolutions-IAM5[Resource::${uploads}/thumbnails/*]`,
      reason: "Removes an expired upload slot's thumbnail key; keys are made at run time.",
    },
    renditions,
  ]);
  at('Pipeline/DetectLabelsFunction', [
    renditions,
    {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'rekognition:DetectLabels supports no resource-level permissions.',
    },
    {
      id: `AwsSolutions-IAM5[Resource::${uploads}/uploads/*]`,
      reason:
        "Reads any photo under uploads/ (Rekognition reads S3Object with the caller's rights); keys are per user and image.",
    },
  ]);
  at('Pipeline/ScoreBeautyFunction', [
    renditions,
    {
      id: `AwsSolutions-IAM5[Resource::${uploads}/uploads/*]`,
      reason: 'Reads any photo under uploads/ to downscale it for the model; keys are per user and image.',
    },
  ]);
  at('Pipeline/DescribeAndTagFunction', [
    {
      id: `AwsSolutions-IAM5[Resource::${uploads}/uploads/*]`,
      reason: 'Only with pharos:openAiVision: reads the photo to send it to OpenAI.',
    },
  ]);
  at('Pipeline/StateMachine', [
    {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray tracing (xray:PutTraceSegments etc.) and CloudWatch Logs delivery have no resource-level permissions.',
    },
    ...taskStates.map((state) => ({
      id: `AwsSolutions-IAM5[Resource::<${logicalId(`Pipeline/${state}Function`)}.Arn>:*]`,
      reason:
        "lambda:InvokeFunction on the function's versions and aliases (CDK grantInvoke); only the state machine's own step functions.",
    })),
  ]);
  at('Pipeline/SweepFunction', [
    {
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:<${logicalId('Pipeline/StateMachine')}.Name>:*]`,
      reason:
        "states:DescribeExecution on this state machine's executions only; their names are made at run time.",
    },
  ]);
  at('Api/ApiFunction', [
    {
      ...renditions,
      reason: "Deletes a photo's JPEG rendition with the photo; ownership is enforced by the app.",
    },
    {
      id: `AwsSolutions-IAM5[Resource::${uploads}/uploads/*]`,
      reason:
        'The API writes, reads and deletes photos of any of its users; ownership is enforced by the app (keys carry the user id).',
    },
    {
      id: `AwsSolutions-IAM5[Resource::${uploads}/thumbnails/*]`,
      reason:
        'The API writes, reads and deletes thumbnails of any of its users; ownership is enforced by the app.',
    },
  ]);
  at('Api/Users', [
    {
      id: 'AwsSolutions-COG2',
      reason:
        'MFA is optional (TOTP, set up by each user on the managed login pages) so a first user can sign in with a password; require it for production (docs/aws.md, "Production options").',
    },
  ]);
  for (const path of ['GET--healthz', 'GET--readyz', 'GET--openapi.json']) {
    at(`Api/Http/${path}`, [
      {
        id: 'AwsSolutions-APIG4',
        reason: 'Health, readiness and the OpenAPI document are public, as on the local server.',
      },
    ]);
  }
  at('Api/WebSocket/$connect-Route', [
    {
      id: 'AwsSolutions-APIG4',
      reason:
        'WebSocket APIs take no JWT authorizer; the $connect handler verifies the Cognito JWT (?token=) and refuses with 401.',
    },
  ]);
  at('Api/WebSocket/$disconnect-Route', [
    {
      id: 'AwsSolutions-APIG4',
      reason:
        '$disconnect cannot be authorised (API Gateway calls it for a connection already authorised at $connect).',
    },
  ]);
  at('Api/WebSocket/$default-Route', [
    {
      id: 'AwsSolutions-APIG4',
      reason:
        'The keep-alive route: a MOCK integration that only answers 200 (no function, no data) to connections already authorised at $connect.',
    },
  ]);
  at('Api/NotifierFunction', [
    {
      id: `AwsSolutions-IAM5[Resource::<${logicalId('Data/Connections')}.Arn>/index/*]`,
      reason: "Queries the connections table's by_user index (the only index).",
    },
    {
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<${logicalId('Api/WebSocket')}>/live/*/@connections/*]`,
      reason:
        "Posts to any connection of this WebSocket API's stage: connection ids are created at run time.",
    },
  ]);
  const deployment = stack.node.findAll().find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
  if (deployment) {
    for (const id of [
      'AwsSolutions-IAM5[Action::s3:GetObject*]',
      'AwsSolutions-IAM5[Action::s3:GetBucket*]',
      'AwsSolutions-IAM5[Action::s3:List*]',
      'AwsSolutions-IAM5[Action::s3:DeleteObject*]',
      'AwsSolutions-IAM5[Action::s3:Abort*]',
      'AwsSolutions-IAM5[Resource::*]',
      `AwsSolutions-IAM5[Resource::<${logicalId('Web/Site')}.Arn>/*]`,
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]',
    ]) {
      acknowledge(deployment, {
        id,
        reason:
          "CDK's BucketDeployment copies the built web UI and its config.json from the CDK asset bucket into the site bucket and invalidates CloudFront; its grants are CDK's own, scoped to those two buckets (CloudFront invalidation has no resource-level permissions).",
      });
    }
  }
  at('MigrationProvider', [
    {
      id: `AwsSolutions-IAM5[Resource::<${logicalId('MigrateFunction')}.Arn>:*]`,
      reason: 'The CDK Provider framework invokes the migration function (any version).',
    },
  ]);
  at('Web/Cdn', [
    {
      id: 'AwsSolutions-CFR1',
      reason: 'No geographic restriction: Pharos serves its users wherever they are.',
    },
    {
      id: 'AwsSolutions-CFR2',
      reason: 'WAF is left to the operator (cost); API Gateway throttling and Cognito protect the API.',
    },
    {
      id: 'AwsSolutions-CFR3',
      reason:
        'CloudFront standard logs need an ACL-enabled bucket; the API and S3 access logs already record requests.',
    },
    ...(settings.webDomainName
      ? []
      : [
          {
            id: 'AwsSolutions-CFR4',
            reason:
              'With the default *.cloudfront.net certificate CloudFront accepts TLSv1 whatever the policy says; a custom domain (-c pharos:webDomainName, pharos:webCertificateArn) uses TLS_V1_2_2021 (docs/aws.md, "Custom domain").',
          },
        ]),
  ]);
}
