/** Template assertions: every seed component present and wired, and least privilege on the policies themselves. */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PharosStack } from '../lib/pharos-stack.js';
import {
  type Statement,
  type Synthesized,
  logicalId,
  statementsOf as statementsIn,
  synthWithoutBundling,
} from './support/template.js';

let synthesized: Synthesized;
let stack: PharosStack;
let template: Template;

beforeAll(() => {
  synthesized = synthWithoutBundling(); // once per file
  ({ stack, template } = synthesized);
});

const id = (construct: { node: { defaultChild?: unknown } }) => logicalId(stack, construct);
const statementsOf = (fn: { role?: unknown }) => statementsIn(synthesized, fn);
const actionsOf = (fn: { role?: unknown }) => statementsOf(fn).flatMap((s) => [s.Action].flat());
function allRoleActions(): Map<string, string[]> {
  const byRole = new Map<string, string[]>();
  for (const p of Object.values(template.findResources('AWS::IAM::Policy'))) {
    for (const role of p.Properties.Roles as { Ref: string }[]) {
      byRole.set(role.Ref, [
        ...(byRole.get(role.Ref) ?? []),
        ...(p.Properties.PolicyDocument.Statement as Statement[]).flatMap((s) => [s.Action].flat()),
      ]);
    }
  }
  return byRole;
}

describe('the uploads path', () => {
  it('keeps the bucket private, encrypted, TLS-only, with EventBridge notifications', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: Match.objectLike({}),
    });
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      NotificationConfiguration: { EventBridgeConfiguration: {} },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: id(stack.data.uploads) },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it("routes the core's upload pattern to the processing queue, which dead-letters to the DLQ", () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: {
          bucket: { name: [{ Ref: id(stack.data.uploads) }] },
          object: { key: [{ prefix: 'uploads/' }] },
        },
      },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [id(stack.pipeline.queue), 'Arn'] } })],
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'Pharos-image-processing',
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [id(stack.pipeline.deadLetters), 'Arn'] },
        maxReceiveCount: 5,
      },
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: id(stack.pipeline.starter) },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 2 },
    });
  });
});

describe('the state machine', () => {
  it('is Standard, generated from the core definition, with JSONPath Retry/Catch/ResultSelector', () => {
    const machines = template.findResources('AWS::StepFunctions::StateMachine');
    const machine = Object.values(machines)[0]!;
    expect(machine.Properties.StateMachineType).toBe('STANDARD');
    const definition = JSON.stringify(stack.resolve(machine.Properties.DefinitionString));
    for (const state of [
      'InspectImage',
      'DetectLabels',
      'FilterLabels',
      'DescribeAndTag',
      'ScoreBeauty',
      'BeautyUnavailable',
      'SaveResults',
      'MarkFailed',
      'Notify',
      'Finished',
      'Failed',
      'Succeeded',
    ]) {
      expect(definition).toContain(`\\"${state}\\":{`);
    }
    expect(definition).toContain('\\"JitterStrategy\\":\\"FULL\\"');
    expect(definition).toContain('\\"ResultSelector\\":{\\"labels.$\\":\\"$.Payload.labels\\"');
    expect(definition).not.toContain('JSONata');
  });

  it('runs every task state on Node.js 24 Lambdas', () => {
    for (const fn of Object.values(stack.pipeline.stepFunctions)) {
      template.hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: Match.absent(),
        Runtime: 'nodejs24.x',
        Handler: 'index.handler',
        Environment: Match.objectLike({ Variables: Match.objectLike({ PHAROS_STATES: Match.anyValue() }) }),
      });
      expect(fn.runtime.name).toBe('nodejs24.x');
    }
  });
});

describe('least privilege', () => {
  it('lets only the starter start executions', () => {
    const roles = allRoleActions();
    const starters = [...roles]
      .filter(([, actions]) => actions.includes('states:StartExecution'))
      .map(([role]) => role);
    expect(starters).toEqual([id(stack.pipeline.starter.role as never)]);
  });

  it('keeps the step functions away from the queues and the DLQ, and gives each only its provider', () => {
    for (const [state, fn] of Object.entries(stack.pipeline.stepFunctions)) {
      const actions = actionsOf(fn);
      expect(
        actions.filter((a) => a.startsWith('sqs:')),
        state,
      ).toEqual([]);
      expect(actions.includes('rekognition:DetectLabels'), state).toBe(state === 'DetectLabels');
      expect(actions.includes('sagemaker:InvokeEndpoint'), state).toBe(state === 'ScoreBeauty');
      expect(actions.includes('dynamodb:PutItem'), state).toBe(state === 'Notify');
      expect(actions.includes('states:StartExecution'), state).toBe(false);
    }
    const beauty = statementsOf(stack.pipeline.stepFunctions.ScoreBeauty!).find((s) =>
      [s.Action].flat().includes('sagemaker:InvokeEndpoint'),
    )!;
    expect(beauty.Resource).toEqual({
      Ref: stack.getLogicalId(stack.beauty.node.findChild('Endpoint') as never),
    });
  });

  it('lets the notifier manage connections only on the WebSocket API, and nobody else', () => {
    const manage = statementsOf(stack.api.notifierFunction).filter((s) =>
      [s.Action].flat().includes('execute-api:ManageConnections'),
    );
    expect(manage).toHaveLength(1);
    expect(JSON.stringify(manage[0]!.Resource)).toContain(id(stack.api.webSocketApi));
    expect(JSON.stringify(manage[0]!.Resource)).toContain('/live/*/@connections/*');
    const others = [...allRoleActions()].filter(([, a]) => a.includes('execute-api:ManageConnections'));
    expect(others).toHaveLength(1);
  });

  it("takes the clients' keep-alive on $default with a MOCK integration: no function, answered 200", () => {
    const routes = template.findResources('AWS::ApiGatewayV2::Route', {
      Properties: { RouteKey: '$default', ApiId: { Ref: id(stack.api.webSocketApi) } },
    });
    expect(Object.keys(routes)).toHaveLength(1);
    const target = JSON.stringify(Object.values(routes)[0]!.Properties.Target);
    const [integrationId] = Object.keys(template.findResources('AWS::ApiGatewayV2::Integration')).filter(
      (i) => target.includes(i),
    );
    template.hasResource('AWS::ApiGatewayV2::Integration', {
      Properties: {
        IntegrationType: 'MOCK',
        RequestTemplates: { $default: '{"statusCode": 200}' },
        TemplateSelectionExpression: '\\$default',
      },
    });
    expect(template.toJSON().Resources[integrationId!].Properties.IntegrationType).toBe('MOCK');
  });

  it('reads the OpenAI key only from DescribeAndTag', () => {
    const secret = id(stack.pipeline.openAiKey);
    const readers = Object.entries(stack.pipeline.stepFunctions).filter(([, fn]) =>
      JSON.stringify(statementsOf(fn)).includes(secret),
    );
    expect(readers.map(([s]) => s)).toEqual(['DescribeAndTag']);
    expect(JSON.stringify(statementsOf(stack.api.apiFunction))).not.toContain(secret);
  });
});

describe('the rest of the seed', () => {
  it('has PostgreSQL in isolated subnets behind a TLS-only RDS Proxy, credentials in Secrets Manager', () => {
    template.hasResourceProperties('AWS::RDS::DBInstance', {
      Engine: 'postgres',
      StorageEncrypted: true,
      PubliclyAccessible: false,
    });
    template.hasResourceProperties('AWS::RDS::DBProxy', { EngineFamily: 'POSTGRESQL', RequireTLS: true });
    template.resourceCountIs('AWS::SecretsManager::RotationSchedule', 1);
    template.hasResourceProperties('Custom::PharosSchema', {
      Migrations: Match.stringLikeRegexp('^[0-9a-f]{16}$'),
    });
  });

  it('has the status and connections tables (TTL, by_user index), SNS and the notifier subscription', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'image_id', KeyType: 'HASH' }],
    });
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      TimeToLiveSpecification: { AttributeName: 'expires_at', Enabled: true },
      GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'by_user' })],
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      Endpoint: { 'Fn::GetAtt': [id(stack.api.notifierFunction), 'Arn'] },
    });
  });

  it('puts the Hono app behind a Cognito JWT authorizer and the WebSocket $connect on its Lambda', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'ANY /images/{proxy+}',
      AuthorizationType: 'JWT',
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: '$connect' });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ PHAROS_AUTH: 'oidc' }) },
    });
  });

  it('has the SageMaker serverless endpoint with the Hugging Face container and model parameters', () => {
    template.hasParameter('BeautyModelId', { Default: 'cafeai/cafe_aesthetic' });
    template.hasParameter('BeautyModelRevision', {});
    template.hasResourceProperties('AWS::SageMaker::Model', {
      PrimaryContainer: {
        Environment: {
          HF_MODEL_ID: { Ref: 'BeautyModelId' },
          HF_MODEL_REVISION: { Ref: 'BeautyModelRevision' },
          HF_TASK: 'image-classification',
        },
        Image: Match.anyValue(),
      },
    });
    template.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      ProductionVariants: [
        Match.objectLike({ ServerlessConfig: { MaxConcurrency: 5, MemorySizeInMB: 4096 } }),
      ],
    });
  });

  it('serves the web UI from a private bucket through CloudFront and raises the alarms', () => {
    template.resourceCountIs('AWS::CloudFront::Distribution', 1);
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: Match.anyValue() }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([Match.objectLike({ Id: 'failed' })]),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
    });
  });
});
