/**
 * DynamoDB for tests: dynalite (a real implementation of the DynamoDB API) behind a thin recording
 * proxy that checks the SigV4 signature and can answer a request with DynamoDB's own throttling error
 * (`ProvisionedThroughputExceededException`) before passing the rest through untouched.
 */
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { answerFault, refuseUnsigned, targetOperation } from './aws-json.js';
import { type FakeServer, startFakeServer } from './fake-server.js';

export async function startDynamoDbServer(): Promise<FakeServer> {
  const backend = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', () => resolve()));
  const port = (backend.address() as AddressInfo).port;
  const fake = await startFakeServer(targetOperation, (request, response, fault) => {
    if (refuseUnsigned(request, response, '1.0', 'dynamodb')) return;
    if (answerFault(response, '1.0', fault)) return;
    return new Promise<void>((resolve, reject) => {
      const forward = httpRequest(
        { host: '127.0.0.1', port, method: request.method, path: request.path, headers: request.headers },
        (answer) => {
          response.writeHead(answer.statusCode ?? 500, answer.headers);
          answer.pipe(response).on('finish', resolve).on('error', reject);
        },
      );
      forward.on('error', reject);
      forward.end(request.body);
    });
  });
  const close = fake.close;
  fake.close = async () => {
    await close();
    await new Promise<void>((resolve) => backend.close(() => resolve()));
  };
  return fake;
}
