/**
 * One Lambda execution environment: a process started with the function's environment, which loads
 * the bundle from cdk.out once (the init phase of a cold start) and runs one invocation at a time, as
 * Lambda does. Invocations arrive over IPC; a thrown error is reported the way Lambda reports it
 * (`errorType` = the error's name, `errorMessage`), a returned value as JSON.
 *
 * Plain JavaScript on purpose: under tsx's loader every environment took three times as long to
 * start (and more than twice the memory), which a bundle that is already JavaScript does not need.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
/* global process */

const codeDir = process.env.LAMBDA_TASK_ROOT ?? '.';
const handlerSpec = process.env._HANDLER ?? 'index.handler';
const dot = handlerSpec.lastIndexOf('.');
const moduleFile = handlerSpec.slice(0, dot);
const exportName = handlerSpec.slice(dot + 1);

/** Lambda's Node.js runtime looks for the handler's module as .mjs, .cjs, then .js. */
function moduleUrl() {
  const found = ['.mjs', '.cjs', '.js']
    .map((ext) => path.join(codeDir, `${moduleFile}${ext}`))
    .find((file) => existsSync(file));
  if (!found) throw new Error(`Cannot find module '${moduleFile}' in ${codeDir}`);
  return pathToFileURL(found).href;
}

/** @type {Promise<(event: unknown, context: unknown) => Promise<unknown>> | undefined} */
let loaded;
const load = () =>
  (loaded ??= import(moduleUrl()).then((module) => {
    const handler = module[exportName];
    if (typeof handler !== 'function') throw new Error(`${handlerSpec} is not a function`);
    return handler;
  }));

const send = (message) => process.send?.(message);

process.on(
  'message',
  async (/** @type {{id: number, event: unknown, deadline: number, requestId: string}} */ message) => {
    const context = {
      awsRequestId: message.requestId,
      functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
      functionVersion: '$LATEST',
      memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
      invokedFunctionArn: process.env.PHAROS_EMULATE_FUNCTION_ARN,
      logGroupName: `/aws/lambda/${process.env.AWS_LAMBDA_FUNCTION_NAME}`,
      logStreamName: `emulated/${process.pid}`,
      callbackWaitsForEmptyEventLoop: false,
      getRemainingTimeInMillis: () => Math.max(0, message.deadline - Date.now()),
    };
    try {
      const handler = await load();
      const result = await handler(message.event, context);
      send({ id: message.id, ok: true, result: result === undefined ? null : result });
    } catch (thrown) {
      const error = thrown instanceof Error ? thrown : new Error(String(thrown));
      send({
        id: message.id,
        ok: false,
        error: {
          errorType: error.name || 'Error',
          errorMessage: error.message,
          trace: (error.stack ?? '').split('\n'),
        },
      });
    }
  },
);

// The init phase; a load error is reported by the first invocation, as Lambda reports it.
load().then(
  () => send({ ready: true }),
  () => send({ ready: true }),
);
