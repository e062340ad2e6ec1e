/** The AWS JSON protocols (1.0 and 1.1): operation in `X-Amz-Target`, errors as `{"__type", "message"}`. */
import type { ServerResponse } from 'node:http';
import type { FaultKind, RecordedRequest } from './fake-server.js';
import { sendJson, sigV4Problem } from './fake-server.js';

export const targetOperation = (request: Omit<RecordedRequest, 'operation'>) =>
  String(request.headers['x-amz-target'] ?? '')
    .split('.')
    .pop() ?? '';

export function awsJsonError(
  response: ServerResponse,
  version: '1.0' | '1.1',
  status: number,
  type: string,
  message: string,
) {
  sendJson(
    response,
    status,
    { __type: type, message },
    { 'content-type': `application/x-amz-json-${version}`, 'x-amzn-errortype': type },
  );
}

/** Answers an injected fault the way an AWS JSON service does; true when it answered. */
export function answerFault(
  response: ServerResponse,
  version: '1.0' | '1.1',
  fault: FaultKind | null,
  malformed = '{"not": "what you asked for"',
): boolean {
  switch (fault) {
    case 'throttle':
      awsJsonError(response, version, 400, 'ThrottlingException', 'Rate exceeded');
      return true;
    case 'throughput':
      awsJsonError(
        response,
        version,
        400,
        'ProvisionedThroughputExceededException',
        'Provisioned rate exceeded',
      );
      return true;
    case 'server-error':
      awsJsonError(response, version, 500, 'InternalServerError', 'Internal server error');
      return true;
    case 'unauthorized':
      awsJsonError(
        response,
        version,
        400,
        'UnrecognizedClientException',
        'The security token included in the request is invalid.',
      );
      return true;
    case 'forbidden':
      awsJsonError(
        response,
        version,
        400,
        'AccessDeniedException',
        'User is not authorized to perform this action',
      );
      return true;
    case 'bad-request':
      awsJsonError(response, version, 400, 'InvalidParameterException', 'Request has invalid parameters');
      return true;
    case 'malformed':
      sendJson(response, 200, malformed, { 'content-type': `application/x-amz-json-${version}` });
      return true;
    default:
      return false;
  }
}

/** Refuses an unsigned or wrongly signed request as AWS does; true when it refused. */
export function refuseUnsigned(
  request: RecordedRequest,
  response: ServerResponse,
  version: '1.0' | '1.1',
  service: string,
): boolean {
  const problem = sigV4Problem(request, service);
  if (!problem) return false;
  awsJsonError(response, version, 403, 'InvalidSignatureException', problem);
  return true;
}
