/**
 * The API's contract as zod schemas: they validate requests at the edge and generate the OpenAPI
 * document, so the two cannot drift apart.
 */
import { z } from '@hono/zod-openapi';
import { IMAGE_SORTS, IMAGE_STATUSES } from '../../core/domain.js';
import { MAX_QUERY_LENGTH, MAX_QUERY_TERMS } from '../../core/search.js';

const SEARCH_SYNTAX = [
  'Search words (at most ' +
    MAX_QUERY_TERMS +
    '), matched against the caption, tags, label names and the text read from the photo.',
  'Every word must match. Case and a leading `#` never matter. A word matches as a whole word, a word prefix',
  '(`light` finds lighthouse) or a substring (`ghth`, part of a plate number), and words of 4+ letters',
  'tolerate a small typo (`lighthuose`). Results are ranked: tags weigh most, then caption, label names and',
  'text in the photo.',
].join(' ');

export const ErrorSchema = z
  .object({ error: z.object({ code: z.string(), message: z.string() }) })
  .openapi('Error');

/** What Node's HTTP parser answers on any route before the app sees the request (client-errors.ts). */
export const HeadersTooLarge = {
  description: 'The request headers are too large (an oversized Authorization or Cookie header?)',
  content: { 'application/json': { schema: ErrorSchema } },
};

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

export const GpsSchema = z
  .object({ latitude: z.number(), longitude: z.number(), altitude: z.number().nullable() })
  .openapi('GpsPosition');

export const PhotoMetadataSchema = z
  .object({
    taken_at: z.string().nullable().openapi({
      description:
        'As the camera recorded it: ISO 8601 with the offset when the file gives one, else local time without a zone',
      example: '2024-06-01T19:42:10+02:00',
    }),
    taken_at_has_zone: z.boolean(),
    make: z.string().nullable(),
    model: z.string().nullable(),
    lens: z.string().nullable(),
    exposure_time: z.number().nullable().openapi({ description: 'seconds (1/250 s = 0.004)' }),
    f_number: z.number().nullable(),
    iso: z.number().nullable(),
    focal_length: z.number().nullable().openapi({ description: 'millimetres' }),
    focal_length_35mm: z.number().nullable(),
    gps: GpsSchema.nullable().openapi({
      description: 'Only in the owner’s GET /images/{id}, and never with PHAROS_GPS=strip',
    }),
    orientation: z.number().int().min(1).max(8).nullable(),
  })
  .openapi('PhotoMetadata');

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
    taken_at: z
      .string()
      .openapi({ description: 'When the photo was taken (EXIF), else when it was uploaded' }),
    taken_at_source: z.enum(['exif', 'upload']),
    photo: PhotoMetadataSchema.nullable().openapi({
      description: 'EXIF metadata; null when the file has none',
    }),
  })
  .openapi('ImageMetadata');

export const Duplicates = z
  .object({
    items: z.array(
      z.object({
        image_id: z.string(),
        filename: z.string(),
        created_at: z.string(),
        status: Status,
        distance: z.number().int().min(0).max(128).openapi({ description: 'differing bits of 128' }),
      }),
    ),
  })
  .openapi('Duplicates');

export const AiResults = z
  .object({
    image_id: z.string(),
    status: Status,
    description: z.string().nullable(),
    tags: z.array(z.string()),
    beauty_score: z.number().int().min(0).max(100).nullable(),
    labels: z.array(LabelSchema),
    text: z.string().nullable().openapi({ description: 'Text read from the photo (OCR); null when none' }),
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
  duplicate_group: z.string().nullable().openapi({
    description:
      'The near-duplicate group (photos with the same value are near-duplicates: a resized or recompressed copy); null until the photo is inspected. List it with ?duplicate_group=',
  }),
  duplicates_count: z
    .number()
    .int()
    .min(0)
    .openapi({ description: 'How many other photos of the owner are in the same group' }),
}).openapi('ImageListItem');

export const ImageList = z
  .object({ items: z.array(ImageListItem), next_cursor: z.string().nullable() })
  .openapi('ImageList');

export const ListQuery = z.object({
  status: Status.optional(),
  tag: z.string().trim().min(1).max(33).optional().openapi({
    description: 'Only photos with this tag; case and a leading `#` are ignored',
    example: '#sky',
  }),
  q: z
    .string()
    .max(MAX_QUERY_LENGTH)
    .optional()
    .openapi({ description: SEARCH_SYNTAX, example: 'lighthouse sunse' }),
  sort: z.enum(IMAGE_SORTS).optional().openapi({
    description:
      'relevance (the default with q; only with q), created_at (newest uploaded; the default without q), taken_at (date taken from EXIF, else the upload time) or beauty (most beautiful first)',
  }),
  duplicate_group: z.string().uuid().optional().openapi({
    description: 'Only the photos of this near-duplicate group (an item’s `duplicate_group`)',
  }),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(500).optional(),
});

export const UploadQuery = z.object({
  process: z.enum(['true', 'false']).optional().openapi({ description: 'false skips automatic processing' }),
});

export const UploadBody = z.object({
  file: z
    .custom<File>((value) => value instanceof File, 'send the photo as a file in the multipart field "file"')
    .openapi({ type: 'string', format: 'binary', description: 'the photo' }),
});

export const UploadSlotRequest = z
  .object({
    filename: z.string().min(1).max(1024),
    /** What the client believes the file is; the bytes' real type is sniffed after they arrive. */
    content_type: z.string().min(1).max(255),
    bytes: z.number().int().positive(),
  })
  .openapi('UploadSlotRequest');

export const UploadSlot = z
  .object({
    image: ImageListItem,
    upload: z.object({
      /** POST multipart/form-data here: every field of `fields`, then the file as `file`. */
      url: z.string().url(),
      fields: z.record(z.string(), z.string()),
    }),
    expires_at: z.string(),
  })
  .openapi('UploadSlot');

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
