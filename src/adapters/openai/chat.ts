/**
 * One structured Chat Completions call, as every adapter of this folder makes it (the describer, the
 * vision labeller): a strict JSON schema generated from a zod schema, the answer validated against the
 * same schema, and OpenAI's errors mapped to the pipeline's (transient, permanent, malformed output).
 *
 * Retries: the SDK's are off (`maxRetries: 0`); the state's retry policy owns them, so attempts are
 * counted once and show in the execution timeline. A 429's Retry-After is waited out here (up to a
 * cap) before the transient error goes back to that policy.
 */
import OpenAI, { APIError, APIConnectionError, APIUserAbortError } from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import { z } from 'zod';
import { malformedOutputError, permanentError, transientError } from '../../core/errors.js';
import type { ImageInput } from '../../core/ports/index.js';
import { prepareForModel } from '../sharp/downscale.js';
import { callDeadline, retryAfterMs, waitOutRetryAfter } from '../provider-calls/call-deadline.js';

/** Who is calling, for error messages that name the provider and the variables that would fix it. */
export interface ChatCaller {
  /** The provider's name in messages (`openai`, `vision`). */
  who: string;
  keyVariable: string;
  modelVariable: string;
  urlVariable: string;
}

export interface StructuredRequest<S extends z.ZodType> {
  model: string;
  messages: OpenAI.Chat.ChatCompletionMessageParam[];
  schema: S;
  /** The schema's name on the wire, and in the malformed-output message. */
  schemaName: string;
}

/** A call's limits unless configured: the whole call, and the longest Retry-After waited out on a 429. */
export const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_RETRY_AFTER_CAP_MS = 10_000;

export interface CallLimits {
  signal: AbortSignal;
  timeoutMs?: number;
  retryAfterCapMs?: number;
}

export async function structuredCompletion<S extends z.ZodType>(
  client: OpenAI,
  caller: ChatCaller,
  request: StructuredRequest<S>,
  limits: CallLimits,
): Promise<{ data: z.infer<S>; completion: OpenAI.Chat.ChatCompletion }> {
  const deadline = callDeadline(
    `${caller.who} ${request.model}`,
    limits.signal,
    limits.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  );
  let completion: OpenAI.Chat.ChatCompletion;
  try {
    completion = await client.chat.completions.create(
      {
        model: request.model,
        messages: request.messages,
        response_format: zodResponseFormat(request.schema, request.schemaName),
      },
      { signal: deadline.signal },
    );
  } catch (error) {
    if (error instanceof APIError && error.status === 429 && !isQuotaExhausted(error)) {
      const waited = await waitOutRetryAfter(
        retryAfterMs(error.headers),
        limits.retryAfterCapMs ?? DEFAULT_RETRY_AFTER_CAP_MS,
        limits.signal,
      );
      throw transientError(`${caller.who}: rate limited (HTTP 429)${waited}`, error);
    }
    throw deadline.failure(error, (e) => mapOpenAiError(caller, e));
  }

  const choice = completion.choices?.[0];
  if (!choice) throw malformedOutputError(`${caller.who} answered with no choices`);
  if (choice.message.refusal)
    throw permanentError(`${caller.who} refused: ${choice.message.refusal.slice(0, 200)}`);
  if (choice.finish_reason === 'length')
    throw malformedOutputError(`${caller.who} answer was cut off (finish_reason=length)`);
  return { data: parseAnswer(caller.who, request, choice.message.content), completion };
}

/** The provenance `version` of an answer: the served model and its fingerprint, when the server says. */
export function servedVersion(completion: OpenAI.Chat.ChatCompletion): string {
  return [completion.model, completion.system_fingerprint].filter(Boolean).join(';') || 'unknown';
}

/** The photo as a downscaled JPEG (or PNG) data URL for an `image_url` content part. */
export async function imageDataUrl(image: ImageInput, maxEdge: number, maxBytes: number): Promise<string> {
  const small = await prepareForModel(await image.bytes(), { maxEdge, maxBytes });
  return `data:${small.contentType};base64,${Buffer.from(small.bytes).toString('base64')}`;
}

function parseAnswer<S extends z.ZodType>(
  who: string,
  request: StructuredRequest<S>,
  content: string | null | undefined,
): z.infer<S> {
  if (!content) throw malformedOutputError(`${who} answered with an empty message`);
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch {
    throw malformedOutputError(`${who} answer is not JSON: ${JSON.stringify(content.slice(0, 80))}`);
  }
  const result = request.schema.safeParse(json);
  if (!result.success) {
    throw malformedOutputError(
      `${who} answer breaks the ${request.schemaName} schema: ${z.prettifyError(result.error).replace(/\s+/g, ' ')}`,
    );
  }
  return result.data;
}

/** A 429 for an exhausted quota or billing limit: waiting will not help. */
function isQuotaExhausted(error: APIError): boolean {
  return error.code === 'insufficient_quota' || error.type === 'insufficient_quota';
}

function mapOpenAiError(caller: ChatCaller, error: unknown): Error {
  const { who } = caller;
  if (error instanceof APIUserAbortError) return transientError(`${who}: request aborted`, error);
  if (error instanceof APIConnectionError)
    return transientError(`${who}: connection failed: ${error.message}`, error);
  if (error instanceof APIError) {
    const status = error.status ?? 0;
    if (status === 429 && isQuotaExhausted(error))
      return permanentError(`${who}: quota exhausted (HTTP 429 insufficient_quota)`, error);
    if (status === 408 || status === 409 || status === 429 || status >= 500) {
      return transientError(`${who}: HTTP ${status}`, error);
    }
    // The server's message for a bad key may echo part of it: say what failed without quoting it.
    if (status === 401)
      return permanentError(
        `${who}: the API key was rejected (HTTP 401): check ${caller.keyVariable}`,
        error,
      );
    if (status === 403)
      return permanentError(
        `${who}: access denied (HTTP 403): the key lacks access to this model or region`,
        error,
      );
    if (status === 404)
      return permanentError(
        `${who}: model or endpoint not found (HTTP 404): check ${caller.modelVariable} and ${caller.urlVariable}`,
        error,
      );
    return permanentError(
      `${who}: request rejected (HTTP ${status}): ${(error.error as { message?: string } | undefined)?.message ?? error.code ?? ''}`.trim(),
      error,
    );
  }
  return transientError(`${who}: ${error instanceof Error ? error.message : String(error)}`, error);
}
