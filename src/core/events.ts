/**
 * The event router (EventBridge's role): rules whose patterns use EventBridge's own syntax, so the
 * upload rule below is the one the AWS stack installs too.
 */
import type { JobTicket } from './domain.js';
import type { JobQueue, ObjectCreatedEvent } from './ports/index.js';
import { PROCESSING_QUEUE } from './processing-service.js';

export type PatternMatcher =
  string | number | { prefix: string } | { suffix: string } | { 'anything-but': string[] };
export interface EventPattern {
  [field: string]: PatternMatcher[] | EventPattern;
}

export const UPLOAD_PREFIX = 'uploads/';
export const THUMBNAIL_PREFIX = 'thumbnails/';
export const RENDITION_PREFIX = 'renditions/';

/** Object Created under uploads/ in our bucket: the trigger of the whole pipeline. */
export function uploadEventPattern(bucket: string): EventPattern {
  return {
    source: ['aws.s3'],
    'detail-type': ['Object Created'],
    detail: { bucket: { name: [bucket] }, object: { key: [{ prefix: UPLOAD_PREFIX }] } },
  };
}

function matchesValue(value: unknown, matcher: PatternMatcher): boolean {
  if (typeof matcher === 'string' || typeof matcher === 'number') return value === matcher;
  if (typeof value !== 'string') return false;
  if ('prefix' in matcher) return value.startsWith(matcher.prefix);
  if ('suffix' in matcher) return value.endsWith(matcher.suffix);
  return !matcher['anything-but'].includes(value);
}

export function matchesPattern(event: unknown, pattern: EventPattern): boolean {
  if (event === null || typeof event !== 'object') return false;
  return Object.entries(pattern).every(([field, expected]) => {
    const value = (event as Record<string, unknown>)[field];
    if (Array.isArray(expected)) return expected.some((matcher) => matchesValue(value, matcher));
    return matchesPattern(value, expected);
  });
}

/** Object keys are `uploads/{user_id}/{image_id}`; the ticket is read back from them (an input transformer). */
export function uploadKey(userId: string, imageId: string): string {
  return `${UPLOAD_PREFIX}${userId}/${imageId}`;
}

export function thumbnailKey(userId: string, imageId: string): string {
  return `${THUMBNAIL_PREFIX}${userId}/${imageId}`;
}

/** A JPEG rendition for providers that take only JPEG/PNG within a size (Rekognition), made by InspectImage. */
export function renditionKey(userId: string, imageId: string): string {
  return `${RENDITION_PREFIX}${userId}/${imageId}.jpg`;
}

export function ticketFromObjectCreated(event: ObjectCreatedEvent): JobTicket | null {
  const { name: bucket } = event.detail.bucket;
  const { key } = event.detail.object;
  const match = /^uploads\/([^/]+)\/([0-9a-f-]{36})$/.exec(key);
  if (!match) return null;
  return { bucket, key, user_id: match[1]!, image_id: match[2]! };
}

export interface RoutingRule<E> {
  name: string;
  pattern: EventPattern;
  target(event: E): Promise<void>;
}

export class EventRouter<E = ObjectCreatedEvent> {
  constructor(private readonly rules: RoutingRule<E>[]) {}

  /** Delivers the event to every matching rule's target; returns the names of the rules that matched. */
  async route(event: E): Promise<string[]> {
    const matched = this.rules.filter((rule) => matchesPattern(event, rule.pattern));
    await Promise.all(matched.map((rule) => rule.target(event)));
    return matched.map((rule) => rule.name);
  }
}

/** The rule EventBridge runs on AWS, run in process locally: an upload's event becomes a queued ticket. */
export function uploadRoutingRule(
  bucket: string,
  queue: Pick<JobQueue, 'send'>,
): RoutingRule<ObjectCreatedEvent> {
  return {
    name: 'process-uploads',
    pattern: uploadEventPattern(bucket),
    target: async (event) => {
      const ticket = ticketFromObjectCreated(event);
      if (ticket) await queue.send(PROCESSING_QUEUE, ticket);
    },
  };
}
