/**
 * The synthesized CloudFormation template, read as CloudFormation would: every resource gets a physical
 * name (CloudFormation's own pattern, `<stack>-<logical id>`, where the template gives none), `Ref` and
 * `Fn::GetAtt` return what the real service would (ARNs, queue URLs, pool ids, AWS host names), and the
 * intrinsic functions the CDK emits are evaluated. A last pass maps the AWS host names of the emulated
 * services (API Gateway, Cognito, CloudFront) to their local origins — the only place where the
 * emulation departs from the values a real deployment would see.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const REGION = 'eu-west-1';
export const ACCOUNT = '000000000000';

export interface Resource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
  DependsOn?: string | string[];
  Condition?: string;
}

export interface Template {
  Resources: Record<string, Resource>;
  Parameters?: Record<string, { Default?: string; Type?: string }>;
  Conditions?: Record<string, unknown>;
  Outputs?: Record<string, { Value: unknown }>;
}

/** Reads `<outdir>/<stack>.template.json`. */
export function readTemplate(outdir: string, stackName: string): Template {
  return JSON.parse(readFileSync(path.join(outdir, `${stackName}.template.json`), 'utf8')) as Template;
}

/** A short lowercase id derived from a logical id, stable across runs (like the ids AWS generates). */
export const shortId = (seed: string, length = 10) =>
  createHash('sha256')
    .update(seed)
    .digest('base64url')
    .replace(/[^a-z0-9]/gi, '')
    .toLowerCase()
    .slice(0, length);

/** AWS host → the local origin serving it (`http://127.0.0.1:port`). */
export type EndpointMap = Map<string, string>;

export class TemplateResolver {
  readonly resources: Record<string, Resource>;
  private readonly endpoints: EndpointMap = new Map();

  constructor(
    readonly template: Template,
    readonly stackName: string,
    private readonly parameters: Record<string, string> = {},
  ) {
    this.resources = template.Resources;
  }

  /** Routes an AWS host name (and its https/wss URLs) to a local origin. */
  mapHost(host: string, localOrigin: string): void {
    this.endpoints.set(host, localOrigin);
  }

  ofType(type: string): [string, Resource][] {
    return Object.entries(this.resources).filter(([, r]) => r.Type === type);
  }

  props(logicalId: string): Record<string, unknown> {
    return this.resources[logicalId]?.Properties ?? {};
  }

  /** The name CloudFormation generates when the template sets none. */
  physicalName(logicalId: string, maxLength = 64): string {
    return `${this.stackName}-${logicalId}`.slice(0, maxLength);
  }

  bucketName(logicalId: string): string {
    const given = this.props(logicalId).BucketName;
    return given ? String(this.resolve(given)) : this.physicalName(logicalId, 63).toLowerCase();
  }

  functionName(logicalId: string): string {
    const given = this.props(logicalId).FunctionName;
    return given ? String(this.resolve(given)) : this.physicalName(logicalId);
  }

  queueName(logicalId: string): string {
    const given = this.props(logicalId).QueueName;
    return given ? String(this.resolve(given)) : this.physicalName(logicalId, 80);
  }

  tableName(logicalId: string): string {
    const given = this.props(logicalId).TableName;
    return given ? String(this.resolve(given)) : this.physicalName(logicalId, 255);
  }

  topicName(logicalId: string): string {
    const given = this.props(logicalId).TopicName;
    return given ? String(this.resolve(given)) : this.physicalName(logicalId, 256);
  }

  userPoolId(logicalId: string): string {
    return `${REGION}_${shortId(logicalId, 9)}`;
  }

  apiId(logicalId: string): string {
    return shortId(logicalId, 10);
  }

  /** The logical id whose ARN (or Ref) this is. */
  logicalIdOf(value: string, attribute: 'Arn' | 'Ref' = 'Arn'): string | undefined {
    return Object.keys(this.resources).find((id) => {
      try {
        return (attribute === 'Ref' ? this.ref(id) : this.getAtt(id, 'Arn')) === value;
      } catch {
        return false;
      }
    });
  }

  ref(logicalId: string): string {
    switch (logicalId) {
      case 'AWS::Region':
        return REGION;
      case 'AWS::AccountId':
        return ACCOUNT;
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return this.stackName;
      case 'AWS::StackId':
        return `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${this.stackName}/${shortId(this.stackName, 8)}`;
      case 'AWS::NoValue':
        return '';
    }
    const parameter = this.template.Parameters?.[logicalId];
    if (parameter) {
      const value = this.parameters[logicalId] ?? parameter.Default;
      if (value === undefined) throw new Error(`parameter ${logicalId} needs a value`);
      return value;
    }
    const resource = this.resources[logicalId];
    if (!resource) throw new Error(`Ref to unknown resource ${logicalId}`);
    const p = resource.Properties ?? {};
    switch (resource.Type) {
      case 'AWS::S3::Bucket':
        return this.bucketName(logicalId);
      case 'AWS::SQS::Queue':
        return `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${this.queueName(logicalId)}`;
      case 'AWS::SNS::Topic':
        return `arn:aws:sns:${REGION}:${ACCOUNT}:${this.topicName(logicalId)}`;
      case 'AWS::DynamoDB::Table':
        return this.tableName(logicalId);
      case 'AWS::Lambda::Function':
        return this.functionName(logicalId);
      case 'AWS::SecretsManager::Secret':
        return `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${this.physicalName(logicalId)}-${shortId(logicalId, 6)}`;
      case 'AWS::SecretsManager::SecretTargetAttachment':
        return String(this.resolve(p.SecretId));
      case 'AWS::StepFunctions::StateMachine':
        return `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${this.physicalName(logicalId, 80)}`;
      case 'AWS::Cognito::UserPool':
        return this.userPoolId(logicalId);
      case 'AWS::Cognito::UserPoolClient':
        return shortId(logicalId, 26);
      case 'AWS::Cognito::UserPoolDomain':
        return String(this.resolve(p.Domain));
      case 'AWS::ApiGatewayV2::Api':
        return this.apiId(logicalId);
      case 'AWS::ApiGatewayV2::Stage':
        return String(this.resolve(p.StageName));
      case 'AWS::SageMaker::Endpoint':
        return `arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint/${this.sageMakerEndpointName(logicalId).toLowerCase()}`;
      case 'AWS::CloudFront::Distribution':
        return `E${shortId(logicalId, 13).toUpperCase()}`;
      case 'AWS::KMS::Key':
        return shortId(logicalId, 36);
      default:
        return this.physicalName(logicalId);
    }
  }

  sageMakerEndpointName(logicalId: string): string {
    const given = this.props(logicalId).EndpointName;
    return given ? String(this.resolve(given)) : logicalId;
  }

  getAtt(logicalId: string, attribute: string): unknown {
    const resource = this.resources[logicalId];
    if (!resource) throw new Error(`GetAtt of unknown resource ${logicalId}`);
    const arn = (service: string, rest: string) => `arn:aws:${service}:${REGION}:${ACCOUNT}:${rest}`;
    switch (`${resource.Type}.${attribute}`) {
      case 'AWS::S3::Bucket.Arn':
        return `arn:aws:s3:::${this.bucketName(logicalId)}`;
      case 'AWS::S3::Bucket.RegionalDomainName':
      case 'AWS::S3::Bucket.DomainName':
        return `${this.bucketName(logicalId)}.s3.${REGION}.amazonaws.com`;
      case 'AWS::SQS::Queue.Arn':
        return arn('sqs', this.queueName(logicalId));
      case 'AWS::SQS::Queue.QueueName':
        return this.queueName(logicalId);
      case 'AWS::SQS::Queue.QueueUrl':
        return this.ref(logicalId);
      case 'AWS::SNS::Topic.TopicArn':
        return this.ref(logicalId);
      case 'AWS::SNS::Topic.TopicName':
        return this.topicName(logicalId);
      case 'AWS::DynamoDB::Table.Arn':
        return arn('dynamodb', `table/${this.tableName(logicalId)}`);
      case 'AWS::Lambda::Function.Arn':
        return arn('lambda', `function:${this.functionName(logicalId)}`);
      case 'AWS::StepFunctions::StateMachine.Arn':
        return this.ref(logicalId);
      case 'AWS::StepFunctions::StateMachine.Name':
        return this.physicalName(logicalId, 80);
      case 'AWS::RDS::DBProxy.Endpoint':
      case 'AWS::RDS::DBInstance.Endpoint.Address':
        // RDS Proxy's TLS certificate names its host; the emulated one is this machine.
        return 'localhost';
      case 'AWS::RDS::DBInstance.Endpoint.Port':
        return '5432';
      case 'AWS::Cognito::UserPool.Arn':
        return arn('cognito-idp', `userpool/${this.userPoolId(logicalId)}`);
      case 'AWS::Cognito::UserPool.ProviderURL':
        return `cognito-idp.${REGION}.amazonaws.com/${this.userPoolId(logicalId)}`;
      case 'AWS::Cognito::UserPool.ProviderName':
        return `cognito-idp.${REGION}.amazonaws.com/${this.userPoolId(logicalId)}`;
      case 'AWS::Cognito::UserPoolClient.ClientId':
        return this.ref(logicalId);
      case 'AWS::ApiGatewayV2::Api.ApiEndpoint': {
        const ws = (resource.Properties?.ProtocolType as string) === 'WEBSOCKET';
        return `${ws ? 'wss' : 'https'}://${this.apiId(logicalId)}.execute-api.${REGION}.amazonaws.com`;
      }
      case 'AWS::ApiGatewayV2::Api.ApiId':
        return this.apiId(logicalId);
      case 'AWS::SageMaker::Endpoint.EndpointName':
        return this.sageMakerEndpointName(logicalId);
      case 'AWS::CloudFront::Function.FunctionARN':
        return `arn:aws:cloudfront::${ACCOUNT}:function/${this.physicalName(logicalId)}`;
      case 'AWS::CloudFront::Distribution.DomainName':
        return `${shortId(logicalId, 14)}.cloudfront.net`;
      case 'AWS::SecretsManager::Secret.Id':
        return this.ref(logicalId);
      case 'AWS::KMS::Key.Arn':
        return arn('kms', `key/${this.ref(logicalId)}`);
      case 'AWS::IAM::Role.Arn':
        return `arn:aws:iam::${ACCOUNT}:role/${this.physicalName(logicalId)}`;
      case 'AWS::Logs::LogGroup.Arn':
        return arn('logs', `log-group:${this.physicalName(logicalId)}:*`);
      default:
        return `${this.physicalName(logicalId)}.${attribute}`;
    }
  }

  /** Evaluates the intrinsic functions in a template value. */
  evaluate(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.evaluate(v));
    if (!value || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1) {
      const [fn, arg] = entries[0]!;
      switch (fn) {
        case 'Ref':
          return this.ref(String(arg));
        case 'Fn::GetAtt': {
          const [id, ...attr] = Array.isArray(arg) ? (arg as string[]) : String(arg).split('.');
          return this.getAtt(id!, attr.join('.'));
        }
        case 'Fn::Join': {
          const [separator, parts] = arg as [string, unknown[]];
          return (this.evaluate(parts) as unknown[]).join(separator);
        }
        case 'Fn::Select': {
          const [index, list] = arg as [unknown, unknown];
          return (this.evaluate(list) as unknown[])[Number(this.evaluate(index))];
        }
        case 'Fn::Split': {
          const [separator, source] = arg as [string, unknown];
          return String(this.evaluate(source)).split(separator);
        }
        case 'Fn::Sub': {
          const [text, vars] = Array.isArray(arg)
            ? (arg as [string, Record<string, unknown>])
            : [String(arg), {} as Record<string, unknown>];
          return text.replace(/\$\{([^}]+)\}/g, (_m, name: string) => {
            if (name in vars) return String(this.evaluate(vars[name]));
            const [id, ...attr] = name.split('.');
            return String(attr.length ? this.getAtt(id!, attr.join('.')) : this.ref(id!));
          });
        }
        case 'Fn::If': {
          const [condition, yes, no] = arg as [string, unknown, unknown];
          return this.evaluate(this.condition(condition) ? yes : no);
        }
        case 'Fn::GetAZs':
          return [`${REGION}a`, `${REGION}b`, `${REGION}c`];
        case 'Fn::Base64':
          return Buffer.from(String(this.evaluate(arg))).toString('base64');
      }
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, this.evaluate(v)]));
  }

  condition(name: string): boolean {
    const evalCondition = (c: unknown): boolean => {
      const [fn, arg] = Object.entries(c as Record<string, unknown>)[0]!;
      const args = arg as unknown[];
      switch (fn) {
        case 'Fn::Equals':
          return String(this.evaluate(args[0])) === String(this.evaluate(args[1]));
        case 'Fn::Not':
          return !evalCondition(args[0]);
        case 'Fn::And':
          return args.every(evalCondition);
        case 'Fn::Or':
          return args.some(evalCondition);
        case 'Condition':
          return this.condition(String(arg));
        default:
          throw new Error(`condition function ${fn} is not emulated`);
      }
    };
    return evalCondition(this.template.Conditions?.[name]);
  }

  /** Evaluates, then rewrites the emulated services' AWS URLs to their local origins. */
  resolve(value: unknown): unknown {
    return this.localise(this.evaluate(value));
  }

  localise(value: unknown): unknown {
    if (typeof value === 'string') return this.localiseString(value);
    if (Array.isArray(value)) return value.map((v) => this.localise(v));
    if (value && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.localise(v)]));
    return value;
  }

  private localiseString(text: string): string {
    let out = text;
    for (const [host, origin] of this.endpoints) {
      const local = new URL(origin);
      out = out
        .replaceAll(`https://${host}`, origin)
        .replaceAll(`wss://${host}`, `ws://${local.host}`)
        .replaceAll(host, local.host);
    }
    return out;
  }

  /** A resource's properties, resolved. */
  resolved(logicalId: string): Record<string, unknown> {
    return this.resolve(this.props(logicalId)) as Record<string, unknown>;
  }
}
