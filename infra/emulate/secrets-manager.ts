/**
 * Secrets Manager over its wire protocol (AWS JSON 1.1, SigV4-signed): GetSecretValue,
 * PutSecretValue and DescribeSecret on the template's secrets, by ARN or name.
 */
import { randomUUID } from 'node:crypto';
import { awsJsonError, refuseUnsigned, targetOperation } from '../../test/wire/aws-json.js';
import { type FakeServer, sendJson, startFakeServer } from '../../test/wire/fake-server.js';

export interface SecretsFake extends FakeServer {
  /** ARN → value */
  secrets: Map<string, { name: string; value: string; versionId: string }>;
  put(arn: string, value: string): void;
}

export async function startSecretsManager(): Promise<SecretsFake> {
  const secrets: SecretsFake['secrets'] = new Map();
  const find = (id: string) =>
    [...secrets.entries()].find(([arn, s]) => arn === id || s.name === id || arn.startsWith(`${id}-`));
  const fake = (await startFakeServer(targetOperation, (request, response) => {
    if (refuseUnsigned(request, response, '1.1', 'secretsmanager')) return;
    const body = JSON.parse(request.body.toString('utf8') || '{}') as {
      SecretId?: string;
      SecretString?: string;
    };
    const found = find(String(body.SecretId ?? ''));
    if (!found)
      return awsJsonError(
        response,
        '1.1',
        400,
        'ResourceNotFoundException',
        "Secrets Manager can't find the specified secret.",
      );
    const [arn, secret] = found;
    const json = { 'content-type': 'application/x-amz-json-1.1' };
    switch (request.operation) {
      case 'GetSecretValue':
        return sendJson(
          response,
          200,
          {
            ARN: arn,
            Name: secret.name,
            SecretString: secret.value,
            VersionId: secret.versionId,
            VersionStages: ['AWSCURRENT'],
            CreatedDate: Date.now() / 1000,
          },
          json,
        );
      case 'PutSecretValue':
        fake.put(arn, String(body.SecretString ?? ''));
        return sendJson(
          response,
          200,
          {
            ARN: arn,
            Name: secret.name,
            VersionId: secrets.get(arn)!.versionId,
            VersionStages: ['AWSCURRENT'],
          },
          json,
        );
      case 'DescribeSecret':
        return sendJson(response, 200, { ARN: arn, Name: secret.name }, json);
      default:
        return awsJsonError(
          response,
          '1.1',
          400,
          'InvalidRequestException',
          `unknown operation ${request.operation}`,
        );
    }
  })) as SecretsFake;
  fake.secrets = secrets;
  fake.put = (arn, value) =>
    secrets.set(arn, {
      name: arn
        .split(':')
        .pop()!
        .replace(/-[A-Za-z0-9]{6}$/, ''),
      value,
      versionId: randomUUID(),
    });
  return fake;
}
