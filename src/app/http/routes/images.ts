import { createRoute, z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { answerOversizeBody } from '../oversize-body.js';
import { AppError } from '../../../core/errors.js';
import type { App, HttpDependencies } from '../env.js';
import { toAiResults, toListItem, toMetadata } from '../presenters.js';
import {
  AiResults,
  Duplicates,
  ErrorSchema,
  Executions,
  ImageIdParam,
  ImageList,
  ImageMetadata,
  ListQuery,
  ProcessAccepted,
  UploadBody,
  UploadQuery,
  UploadSlot,
  UploadSlotRequest,
} from '../schemas.js';

const json = <T>(schema: T) => ({ content: { 'application/json': { schema } } });
const security = [{ bearerAuth: [] }];
const common = {
  400: { description: 'The id is not a UUID', ...json(ErrorSchema) },
  401: { description: 'Missing, invalid or expired token', ...json(ErrorSchema) },
  404: { description: 'No such image for this user', ...json(ErrorSchema) },
};

export function registerImageRoutes(app: App, deps: HttpDependencies): void {
  const { images, processing } = deps;

  app.use('/images', async (c, next) => {
    c.set('accepts', 'multipart/form-data with the photo in the field "file"');
    await next();
  });
  // Refuse oversize bodies while streaming, before they are buffered (the multipart overhead is allowed).
  app.use(
    '/images',
    bodyLimit({
      maxSize: deps.maxUploadBytes + 64 * 1024,
      onError: (c) =>
        answerOversizeBody(
          c,
          deps.maxUploadBytes * 4,
          `the file is larger than ${deps.maxUploadBytes} bytes`,
        ),
    }),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/images',
      operationId: 'uploadImage',
      tags: ['images'],
      security,
      summary: 'Upload a photo (multipart field "file"); it is processed automatically unless ?process=false',
      request: {
        query: UploadQuery,
        body: { required: true, content: { 'multipart/form-data': { schema: UploadBody } } },
      },
      responses: {
        201: { description: 'Stored', ...json(ImageMetadata) },
        400: {
          description: 'Empty, corrupt or truncated image, or a malformed multipart body',
          ...json(ErrorSchema),
        },
        413: { description: 'Too many bytes or pixels', ...json(ErrorSchema) },
        415: {
          description: 'Not an image in an accepted format, or not a multipart body',
          ...json(ErrorSchema),
        },
        401: common[401],
      },
    }),
    async (c) => {
      const { file } = c.req.valid('form');
      const { process } = c.req.valid('query');
      const image = await images.upload(c.get('userId'), {
        filename: file.name,
        bytes: new Uint8Array(await file.arrayBuffer()),
        process: process === undefined ? undefined : process === 'true',
      });
      return c.json(toMetadata(image), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/images/uploads',
      operationId: 'createUploadSlot',
      tags: ['images'],
      security,
      summary:
        'An upload slot: a presigned POST straight to object storage (the photo is then processed like any upload)',
      request: { body: { required: true, content: { 'application/json': { schema: UploadSlotRequest } } } },
      responses: {
        201: { description: 'The photo (status UPLOADING) and where to send its bytes', ...json(UploadSlot) },
        400: { description: 'Invalid request', ...json(ErrorSchema) },
        404: {
          description: 'This server stores photos itself: upload with POST /images',
          ...json(ErrorSchema),
        },
        413: { description: 'More bytes than the upload limit', ...json(ErrorSchema) },
        415: { description: 'content_type is not an image type', ...json(ErrorSchema) },
        401: common[401],
      },
    }),
    async (c) => {
      if (!deps.uploads)
        throw new AppError(
          404,
          'direct_uploads_unavailable',
          'this server stores photos on its own disk: upload with POST /images (multipart field "file")',
        );
      const slot = await deps.uploads.createSlot(c.get('userId'), c.req.valid('json'));
      return c.json({ ...slot, image: toListItem(slot.image) }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/images',
      operationId: 'listImages',
      tags: ['images'],
      security,
      summary: 'List or search the owner’s photos (q=), filtered by status and tag, paged by cursor',
      request: { query: ListQuery },
      responses: {
        200: {
          description: 'A page of photos: by relevance with q, otherwise newest first',
          ...json(ImageList),
        },
        400: { description: 'Bad query, sort or cursor', ...json(ErrorSchema) },
        401: common[401],
      },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const page = await images.list(c.get('userId'), query);
      return c.json({ items: page.items.map(toListItem), next_cursor: page.next_cursor }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/images/{id}/process',
      operationId: 'processImage',
      tags: ['images'],
      security,
      summary: 'Start (or rerun) AI processing: status PROCESSING, previous outputs cleared',
      request: { params: ImageIdParam },
      responses: { 202: { description: 'Execution started', ...json(ProcessAccepted) }, ...common },
    }),
    async (c) => {
      const execution = await processing.requestProcessing(c.get('userId'), c.req.valid('param').id);
      return c.json(
        { image_id: execution.image_id, status: 'PROCESSING' as const, execution_id: execution.id },
        202,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/images/{id}',
      operationId: 'getImage',
      summary: 'The photo’s metadata (EXIF included) and its current status',
      tags: ['images'],
      security,
      request: { params: ImageIdParam },
      responses: { 200: { description: 'Metadata and fast status', ...json(ImageMetadata) }, ...common },
    }),
    async (c) => {
      const image = await images.get(c.get('userId'), c.req.valid('param').id);
      return c.json(toMetadata(image, await images.status(image), { gps: deps.showGps ?? true }), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/images/{id}/duplicates',
      operationId: 'listDuplicates',
      tags: ['images'],
      security,
      summary:
        'The owner’s near-duplicates of a photo (perceptual hash within 16 of 128 bits), closest first',
      request: { params: ImageIdParam },
      responses: { 200: { description: 'Near-duplicates', ...json(Duplicates) }, ...common },
    }),
    async (c) => {
      const found = await images.duplicates(c.get('userId'), c.req.valid('param').id);
      const items = found.map(({ image, distance }) => ({
        image_id: image.id,
        filename: image.filename,
        created_at: image.created_at,
        status: image.status,
        distance,
      }));
      return c.json({ items }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/images/{id}/ai',
      operationId: 'getAiResults',
      tags: ['images'],
      security,
      summary: 'AI results: caption, tags, beauty score and labels',
      request: { params: ImageIdParam },
      responses: {
        200: { description: 'AI results (null fields until READY)', ...json(AiResults) },
        ...common,
      },
    }),
    async (c) => c.json(toAiResults(await images.get(c.get('userId'), c.req.valid('param').id)), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/images/{id}/executions',
      operationId: 'getTimeline',
      tags: ['images'],
      security,
      summary: 'The timeline: every execution with each state attempt',
      request: { params: ImageIdParam },
      responses: { 200: { description: 'Newest execution first', ...json(Executions) }, ...common },
    }),
    async (c) => {
      const image = await images.get(c.get('userId'), c.req.valid('param').id);
      return c.json({ items: await processing.timeline(image.id) }, 200);
    },
  );

  for (const which of ['content', 'thumbnail'] as const) {
    app.openapi(
      createRoute({
        method: 'get',
        path: `/images/{id}/${which}`,
        operationId: which === 'content' ? 'getContent' : 'getThumbnail',
        summary:
          which === 'content' ? 'The original bytes of the photo' : 'The photo’s 320 px JPEG thumbnail',
        tags: ['images'],
        security,
        request: { params: ImageIdParam },
        responses: {
          200: {
            description: which === 'content' ? 'The original bytes' : 'A JPEG thumbnail (320 px)',
            content: { 'image/*': { schema: z.any().openapi({ type: 'string', format: 'binary' }) } },
          },
          302: {
            description:
              'With object storage the client can reach (S3): a short-lived presigned URL of the bytes (Location)',
          },
          ...common,
        },
      }),
      async (c) => {
        if (deps.uploads) {
          const image = await images.get(c.get('userId'), c.req.valid('param').id);
          const url = await deps.uploads.contentUrl(image, which === 'content' ? 'original' : 'thumbnail');
          // Cached for less time than the URL lives, so a cached redirect never points at an expired one.
          c.header('Cache-Control', 'private, max-age=60');
          return c.redirect(url, 302) as never;
        }
        const object = await images.content(
          c.get('userId'),
          c.req.valid('param').id,
          which === 'content' ? 'original' : 'thumbnail',
        );
        return c.body(new Uint8Array(object.bytes), 200, {
          'Content-Type': object.contentType,
          'Cache-Control': 'private, max-age=3600',
          'X-Content-Type-Options': 'nosniff',
        });
      },
    );
  }

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/images/{id}',
      operationId: 'deleteImage',
      summary: 'Delete a photo with its outputs and history',
      tags: ['images'],
      security,
      request: { params: ImageIdParam },
      responses: { 204: { description: 'Deleted with its outputs and history' }, ...common },
    }),
    async (c) => {
      await images.delete(c.get('userId'), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );
}
