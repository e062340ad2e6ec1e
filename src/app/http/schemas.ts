/**
 * The API's contract as zod schemas: they validate requests at the edge and generate the OpenAPI
 * document, so the two cannot drift apart.
 */
import { z } from '@hono/zod-openapi';
import { IMAGE_STATUSES } from '../../core/domain.js';

export const ErrorSchema = z
  .object({ error: z.object({ code: z.string(), message: z.string() }) })
  .openapi('Error');

export const Credentials = z
  .object({
    username: z
      .string()
      .trim()
      .min(3)
      .max(64)
      .regex(/^[A-Za-z0-9._@-]+$/, 'letters, digits and . _ @ - only'),
    password: z.string().min(8).max(256),
  })
  .openapi('Credentials');

export const Registered = z.object({ user_id: z.string(), token: z.string() }).openapi('Registered');
export const LoggedIn = z.object({ user_id: z.string(), token: z.string() }).openapi('LoggedIn');

export const ImageIdParam = z.object({
  id: z
    .string()
    .uuid()
    .openapi({ param: { name: 'id', in: 'path' }, example: '7b0c5c1e-6a59-4b6f-9a0e-2f0c1d7f9b11' }),
});

export const Status = z.enum(IMAGE_STATUSES).openapi('Status');

export const LabelSchema = z.object({ name: z.string(), confidence: z.number() }).openapi('Label');

export const ImageMetadata = z
  .object({
    image_id: z.string(),
    filename: z.string(),
    content_type: z.string(),
    bytes: z.number().int(),
    width: z.number().int(),
    height: z.number().int(),
    created_at: z.string(),
    updated_at: z.string(),
    status: Status,
    auto_process: z.boolean(),
  })
  .openapi('ImageMetadata');

export const AiResults = z
  .object({
    image_id: z.string(),
    status: Status,
    description: z.string().nullable(),
    tags: z.array(z.string()),
    beauty_score: z.number().int().min(0).max(100).nullable(),
    labels: z.array(LabelSchema),
    processed_at: z.string().nullable(),
    error: z.string().nullable(),
    provenance: z.record(z.string(), z.unknown()).nullable(),
  })
  .openapi('AiResults');

export const ImageListItem = ImageMetadata.extend({
  description: z.string().nullable(),
  tags: z.array(z.string()),
  beauty_score: z.number().int().nullable(),
  processed_at: z.string().nullable(),
  error: z.string().nullable(),
}).openapi('ImageListItem');

export const ImageList = z
  .object({ items: z.array(ImageListItem), next_cursor: z.string().nullable() })
  .openapi('ImageList');

export const ListQuery = z.object({
  status: Status.optional(),
  tag: z.string().trim().min(1).max(32).optional(),
  sort: z.enum(['created_at', 'beauty']).default('created_at'),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(500).optional(),
});

export const UploadQuery = z.object({
  process: z.enum(['true', 'false']).optional().openapi({ description: 'false skips automatic processing' }),
});

export const UploadBody = z.object({
  file: z.any().openapi({ type: 'string', format: 'binary', description: 'the photo' }),
});

export const ProcessAccepted = z
  .object({ image_id: z.string(), status: z.literal('PROCESSING'), execution_id: z.string() })
  .openapi('ProcessAccepted');

export const TimelineStateSchema = z.object({
  state: z.string(),
  attempt: z.number().int(),
  status: z.enum(['RUNNING', 'SUCCEEDED', 'FAILED']),
  started_at: z.string(),
  ended_at: z.string().nullable(),
  duration_ms: z.number().nullable(),
  error: z.string().nullable(),
  cause: z.string().nullable(),
  will_retry: z.boolean(),
  worker_id: z.string().nullable(),
});

export const Executions = z
  .object({
    items: z.array(
      z.object({
        execution_id: z.string(),
        name: z.string(),
        seq: z.number().int(),
        trigger: z.string(),
        status: z.enum(['RUNNING', 'SUCCEEDED', 'FAILED']),
        started_at: z.string(),
        ended_at: z.string().nullable(),
        error: z.string().nullable(),
        cause: z.string().nullable(),
        states: z.array(TimelineStateSchema),
      }),
    ),
  })
  .openapi('Executions');
