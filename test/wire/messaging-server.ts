/**
 * SQS and SNS over their real wire protocols, in one server because SNS delivers into SQS:
 * - SQS speaks AWS JSON 1.0 (`X-Amz-Target: AmazonSQS.<Action>`, current SDKs); queues with visibility
 *   timeouts, long polling, receive counts and a redrive policy that moves a message to its DLQ;
 * - SNS speaks the AWS Query protocol (form-encoded `Action=Publish`, XML answers); an `sqs`
 *   subscription delivers raw or in the JSON envelope, as `RawMessageDelivery` says.
 * Point both clients at it with `AWS_ENDPOINT_URL_SQS` and `AWS_ENDPOINT_URL_SNS`.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { answerFault, awsJsonError } from './aws-json.js';
import {
  type FakeServer,
  type RecordedRequest,
  sendJson,
  sigV4Problem,
  startFakeServer,
} from './fake-server.js';

const ACCOUNT = '000000000000';
/** SQS answers the MD5 of each body, and the SDK checks it. */
const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');
const REGION = 'eu-west-1';

interface StoredMessage {
  id: string;
  body: string;
  receipt: string;
  visibleAt: number;
  receives: number;
}

interface FakeQueue {
  name: string;
  arn: string;
  attributes: Record<string, string>;
  messages: StoredMessage[];
}

export interface MessagingFake extends FakeServer {
  queues: Map<string, FakeQueue>;
  topics: Map<string, { subscriptions: Map<string, { queueArn: string; raw: boolean }> }>;
  /** Called on every Publish to an existing topic (subscriptions of other protocols, e.g. Lambda). */
  onPublish: ((published: {
    topicArn: string;
    message: string;
    messageId: string;
    subject: string | null;
  }) => void)[];
  createQueue(name: string, attributes?: Record<string, string>): string;
  createTopic(name: string): string;
  queueUrl(name: string): string;
}

function operationOf(r: Omit<RecordedRequest, 'operation'>): string {
  const target = r.headers['x-amz-target'];
  if (target) return String(target).split('.').pop()!;
  return new URLSearchParams(r.body.toString('utf8')).get('Action') ?? 'Unknown';
}

function snsXml(response: ServerResponse, action: string, result: string) {
  const xml = `<${action}Response xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`;
  response.writeHead(200, { 'content-type': 'text/xml' });
  response.end(xml);
}

function snsError(response: ServerResponse, status: number, code: string, message: string) {
  const xml = `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>x</RequestId></ErrorResponse>`;
  response.writeHead(status, { 'content-type': 'text/xml' });
  response.end(xml);
}

export async function startMessagingServer(): Promise<MessagingFake> {
  const queues = new Map<string, FakeQueue>();
  const topics: MessagingFake['topics'] = new Map();
  const byArn = (arn: string) => [...queues.values()].find((q) => q.arn === arn);
  const waiters = new Set<() => void>();
  const wake = () => waiters.forEach((w) => w());

  const enqueue = (queue: FakeQueue, body: string) => {
    const message = { id: randomUUID(), body, receipt: '', visibleAt: 0, receives: 0 };
    queue.messages.push(message);
    wake();
    return message;
  };

  const receive = (queue: FakeQueue, max: number, visibilitySeconds: number): StoredMessage[] => {
    const now = Date.now();
    const taken: StoredMessage[] = [];
    for (const message of [...queue.messages]) {
      if (taken.length >= max || message.visibleAt > now) continue;
      const redrive = queue.attributes.RedrivePolicy
        ? (JSON.parse(queue.attributes.RedrivePolicy) as {
            deadLetterTargetArn: string;
            maxReceiveCount: number;
          })
        : null;
      if (redrive && message.receives >= Number(redrive.maxReceiveCount)) {
        // What SQS does on the receive after the last allowed one: the message moves to the DLQ.
        queue.messages.splice(queue.messages.indexOf(message), 1);
        const dlq = byArn(redrive.deadLetterTargetArn);
        if (dlq) enqueue(dlq, message.body);
        continue;
      }
      message.receives += 1;
      message.receipt = randomUUID();
      message.visibleAt = now + visibilitySeconds * 1000;
      taken.push(message);
    }
    return taken;
  };

  const sqs = async (request: RecordedRequest, response: ServerResponse) => {
    const body = JSON.parse(request.body.toString('utf8') || '{}') as Record<string, unknown>;
    const queueOf = () => {
      const url = String(body.QueueUrl ?? '');
      const queue = queues.get(url.split('/').pop() ?? '');
      if (!queue)
        awsJsonError(
          response,
          '1.0',
          400,
          'com.amazonaws.sqs#QueueDoesNotExist',
          'The specified queue does not exist.',
        );
      return queue;
    };
    switch (request.operation) {
      case 'CreateQueue':
        return sendJson(response, 200, {
          QueueUrl: fake.createQueue(String(body.QueueName), body.Attributes as Record<string, string>),
        });
      case 'GetQueueUrl': {
        if (!queues.has(String(body.QueueName)))
          return awsJsonError(
            response,
            '1.0',
            400,
            'com.amazonaws.sqs#QueueDoesNotExist',
            'The specified queue does not exist.',
          );
        return sendJson(response, 200, { QueueUrl: fake.queueUrl(String(body.QueueName)) });
      }
      case 'GetQueueAttributes': {
        const queue = queueOf();
        if (queue) sendJson(response, 200, { Attributes: { ...queue.attributes, QueueArn: queue.arn } });
        return;
      }
      case 'SetQueueAttributes': {
        const queue = queueOf();
        if (!queue) return;
        Object.assign(queue.attributes, body.Attributes);
        sendJson(response, 200, {});
        return;
      }
      case 'DeleteQueue': {
        const queue = queueOf();
        if (!queue) return;
        queues.delete(queue.name);
        sendJson(response, 200, {});
        return;
      }
      case 'SendMessage': {
        const queue = queueOf();
        if (queue)
          sendJson(response, 200, {
            MessageId: enqueue(queue, String(body.MessageBody)).id,
            MD5OfMessageBody: md5(String(body.MessageBody)),
          });
        return;
      }
      case 'ReceiveMessage': {
        const queue = queueOf();
        if (!queue) return;
        const max = Number(body.MaxNumberOfMessages ?? 1);
        const visibility = Number(body.VisibilityTimeout ?? queue.attributes.VisibilityTimeout ?? 30);
        const deadline = Date.now() + Number(body.WaitTimeSeconds ?? 0) * 1000;
        let taken = receive(queue, max, visibility);
        while (!taken.length && Date.now() < deadline && !response.destroyed && queues.has(queue.name)) {
          await new Promise<void>((resolve) => {
            const done = () => (waiters.delete(done), clearTimeout(timer), resolve());
            const timer = setTimeout(done, Math.min(50, deadline - Date.now()));
            waiters.add(done);
          });
          taken = receive(queue, max, visibility);
        }
        if (response.destroyed) {
          for (const m of taken) m.visibleAt = 0; // the client went away: nothing was delivered
          return;
        }
        return sendJson(response, 200, {
          Messages: taken.map((m) => ({
            MessageId: m.id,
            ReceiptHandle: m.receipt,
            Body: m.body,
            MD5OfBody: md5(m.body),
            Attributes: { ApproximateReceiveCount: String(m.receives) },
          })),
        });
      }
      case 'DeleteMessage':
      case 'DeleteMessageBatch': {
        const queue = queueOf();
        if (!queue) return;
        const receipts =
          request.operation === 'DeleteMessage'
            ? [String(body.ReceiptHandle)]
            : (body.Entries as { ReceiptHandle: string }[]).map((e) => e.ReceiptHandle);
        queue.messages = queue.messages.filter((m) => !receipts.includes(m.receipt));
        const entries =
          request.operation === 'DeleteMessage'
            ? {}
            : { Successful: (body.Entries as { Id: string }[]).map((e) => ({ Id: e.Id })), Failed: [] };
        return sendJson(response, 200, entries);
      }
      case 'ChangeMessageVisibility': {
        const queue = queueOf();
        if (!queue) return;
        const message = queue.messages.find((m) => m.receipt === body.ReceiptHandle);
        if (!message)
          return awsJsonError(
            response,
            '1.0',
            400,
            'com.amazonaws.sqs#ReceiptHandleIsInvalid',
            'The receipt handle is not valid.',
          );
        message.visibleAt = Date.now() + Number(body.VisibilityTimeout) * 1000;
        return sendJson(response, 200, {});
      }
      default:
        return awsJsonError(
          response,
          '1.0',
          400,
          'com.amazonaws.sqs#InvalidAction',
          `unknown action ${request.operation}`,
        );
    }
  };

  const sns = (request: RecordedRequest, response: ServerResponse) => {
    const form = new URLSearchParams(request.body.toString('utf8'));
    const topic = topics.get(form.get('TopicArn') ?? '');
    switch (request.operation) {
      case 'Publish': {
        if (!topic) return snsError(response, 404, 'NotFound', 'Topic does not exist');
        const messageId = randomUUID();
        for (const subscription of topic.subscriptions.values()) {
          const queue = byArn(subscription.queueArn);
          if (!queue) continue;
          const envelope = {
            Type: 'Notification',
            MessageId: messageId,
            TopicArn: form.get('TopicArn'),
            Message: form.get('Message'),
            Timestamp: new Date().toISOString(),
          };
          enqueue(queue, subscription.raw ? form.get('Message')! : JSON.stringify(envelope));
        }
        for (const listener of fake.onPublish)
          listener({
            topicArn: form.get('TopicArn')!,
            message: form.get('Message')!,
            messageId,
            subject: form.get('Subject'),
          });
        return snsXml(response, 'Publish', `<MessageId>${messageId}</MessageId>`);
      }
      case 'Subscribe': {
        if (!topic) return snsError(response, 404, 'NotFound', 'Topic does not exist');
        if (form.get('Protocol') !== 'sqs')
          return snsError(response, 400, 'InvalidParameter', 'only sqs subscriptions in this fake');
        const attributes = new Map<string, string>();
        for (let i = 1; form.has(`Attributes.entry.${i}.key`); i++)
          attributes.set(form.get(`Attributes.entry.${i}.key`)!, form.get(`Attributes.entry.${i}.value`)!);
        const arn = `${form.get('TopicArn')}:${randomUUID()}`;
        topic.subscriptions.set(arn, {
          queueArn: form.get('Endpoint')!,
          raw: attributes.get('RawMessageDelivery') === 'true',
        });
        return snsXml(response, 'Subscribe', `<SubscriptionArn>${arn}</SubscriptionArn>`);
      }
      case 'Unsubscribe': {
        const arn = form.get('SubscriptionArn') ?? '';
        for (const t of topics.values()) t.subscriptions.delete(arn);
        return snsXml(response, 'Unsubscribe', '');
      }
      default:
        return snsError(response, 400, 'InvalidAction', `unknown action ${request.operation}`);
    }
  };

  const fake = (await startFakeServer(operationOf, async (request, response, fault) => {
    const isSqs = Boolean(request.headers['x-amz-target']);
    const problem = sigV4Problem(request, isSqs ? 'sqs' : 'sns');
    if (problem)
      return isSqs
        ? awsJsonError(response, '1.0', 403, 'com.amazonaws.sqs#InvalidSignature', problem)
        : snsError(response, 403, 'InvalidSignature', problem);
    if (isSqs) {
      if (request.headers['content-type'] !== 'application/x-amz-json-1.0')
        return awsJsonError(response, '1.0', 400, 'InvalidContentType', 'expected AWS JSON 1.0');
      if (answerFault(response, '1.0', fault)) return;
      return sqs(request, response);
    }
    if (fault === 'throttle') return snsError(response, 400, 'Throttling', 'Rate exceeded');
    return sns(request, response);
  })) as MessagingFake;

  fake.queues = queues;
  fake.topics = topics;
  fake.onPublish = [];
  fake.queueUrl = (name) => `${fake.url}/${ACCOUNT}/${name}`;
  fake.createQueue = (name, attributes = {}) => {
    if (!queues.has(name))
      queues.set(name, {
        name,
        arn: `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`,
        attributes: { VisibilityTimeout: '30', ...attributes },
        messages: [],
      });
    return fake.queueUrl(name);
  };
  fake.createTopic = (name) => {
    const arn = `arn:aws:sns:${REGION}:${ACCOUNT}:${name}`;
    topics.set(arn, { subscriptions: new Map() });
    return arn;
  };
  return fake;
}
