/**
 * SageMaker Runtime over its real wire protocol (REST-JSON: `POST /endpoints/{name}/invocations`, the
 * payload passed through with its Content-Type). It checks the signature, the endpoint and that the
 * body is a JPEG, then answers as a Hugging Face image classifier or as a `{"beauty_score"}` model.
 */
import type { ServerResponse } from 'node:http';
import { type FakeServer, type FaultKind, sendJson, sigV4Problem, startFakeServer } from './fake-server.js';

export type SageMakerAnswer =
  | { contract: 'classification'; classes: { label: string; score: number }[] }
  | { contract: 'score'; beauty_score: number };

export interface SageMakerFake extends FakeServer {
  answer: SageMakerAnswer;
  endpoints: string[];
}

function restError(
  response: ServerResponse,
  status: number,
  type: string,
  message: string,
  extra: object = {},
) {
  sendJson(
    response,
    status,
    { message, ...extra },
    { 'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.sagemaker/` },
  );
}

function answerFault(response: ServerResponse, fault: FaultKind | null): boolean {
  switch (fault) {
    case 'throttle':
      restError(response, 400, 'ThrottlingException', 'Rate exceeded');
      return true;
    case 'server-error':
      // The model container answered 500: SageMaker wraps it in a ModelError (HTTP 424).
      restError(response, 424, 'ModelError', 'Received server error (500) from primary', {
        OriginalStatusCode: 500,
        OriginalMessage: 'worker died',
      });
      return true;
    case 'unauthorized':
    case 'forbidden':
      restError(
        response,
        403,
        'AccessDeniedException',
        'not authorized to perform: sagemaker:InvokeEndpoint',
      );
      return true;
    case 'bad-request':
      restError(
        response,
        400,
        'ValidationError',
        'Endpoint pharos-missing of account 000000000000 not found.',
      );
      return true;
    case 'malformed':
      response.writeHead(200, {
        'content-type': 'text/html',
        'x-amzn-invoked-production-variant': 'AllTraffic',
      });
      response.end('<html><body>502 Bad Gateway</body></html>');
      return true;
    default:
      return false;
  }
}

export async function startSageMakerServer(
  answer: SageMakerAnswer,
  endpointName = 'pharos-aesthetic',
): Promise<SageMakerFake> {
  const endpoints: string[] = [];
  // The handler reads the answer from the returned object, so a test can change it between calls.
  const state = { answer };
  const fake = await startFakeServer(
    (r) => (/^\/endpoints\/[^/]+\/invocations$/.test(r.path) ? 'InvokeEndpoint' : 'unknown'),
    (request, response, fault) => {
      const problem = sigV4Problem(request, 'sagemaker');
      if (problem) return restError(response, 403, 'InvalidSignatureException', problem);
      const match = /^\/endpoints\/([^/]+)\/invocations$/.exec(request.path);
      if (request.method !== 'POST' || !match)
        return restError(response, 404, 'UnknownOperationException', 'no such route');
      const name = decodeURIComponent(match[1]!);
      endpoints.push(name);
      if (answerFault(response, fault)) return;
      if (name !== endpointName)
        return restError(
          response,
          400,
          'ValidationError',
          `Endpoint ${name} of account 000000000000 not found.`,
        );
      if (
        request.headers['content-type'] !== 'image/jpeg' ||
        request.body[0] !== 0xff ||
        request.body[1] !== 0xd8
      ) {
        return restError(response, 424, 'ModelError', 'Received client error (400) from primary', {
          OriginalStatusCode: 400,
          OriginalMessage: 'cannot identify image file',
        });
      }
      const body =
        state.answer.contract === 'classification'
          ? state.answer.classes
          : { beauty_score: state.answer.beauty_score };
      sendJson(response, 200, body, { 'x-amzn-invoked-production-variant': 'AllTraffic' });
    },
  );
  const result = fake as SageMakerFake;
  result.endpoints = endpoints;
  Object.defineProperty(result, 'answer', {
    get: () => state.answer,
    set: (value: SageMakerAnswer) => (state.answer = value),
  });
  return result;
}
