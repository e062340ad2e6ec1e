/**
 * The API's JSON shapes as TypeScript types, inferred from the zod schemas that validate and document
 * them: clients (the CLI, the web UI) import these instead of keeping copies that could drift.
 */
import type { z } from '@hono/zod-openapi';
import type * as schemas from './schemas.js';

export type ImageStatus = z.infer<typeof schemas.Status>;
export type Label = z.infer<typeof schemas.LabelSchema>;
export type ImageMetadata = z.infer<typeof schemas.ImageMetadata>;
export type ImageListItem = z.infer<typeof schemas.ImageListItem>;
export type ImageList = z.infer<typeof schemas.ImageList>;
export type AiResults = z.infer<typeof schemas.AiResults>;
export type TimelineState = z.infer<typeof schemas.TimelineStateSchema>;
export type Execution = z.infer<typeof schemas.Executions>['items'][number];
export type RunStatus = Execution['status'];
export type PhotoMetadata = z.infer<typeof schemas.PhotoMetadataSchema>;
export type Duplicate = z.infer<typeof schemas.Duplicates>['items'][number];
export type ProcessAccepted = z.infer<typeof schemas.ProcessAccepted>;
export type UploadSlotRequest = z.infer<typeof schemas.UploadSlotRequest>;
export type UploadSlot = z.infer<typeof schemas.UploadSlot>;
export type { WebConfig } from './web-config.js';
