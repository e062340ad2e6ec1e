/** Domain types shared by every part of Pharos. Pure data: no I/O, no SDKs. */

/** UPLOADING: an upload slot was handed out and the bytes have not arrived (direct uploads only). */
export const IMAGE_STATUSES = ['UPLOADING', 'UPLOADED', 'PROCESSING', 'READY', 'FAILED'] as const;
export type ImageStatus = (typeof IMAGE_STATUSES)[number];

/**
 * How a list of photos can be ordered: newest uploaded, date taken (EXIF, else the upload time), most
 * beautiful, or relevance (only with search words).
 */
export const IMAGE_SORTS = ['created_at', 'taken_at', 'beauty', 'relevance'] as const;
export type ImageSort = (typeof IMAGE_SORTS)[number];

/** Where one stored object lives (an S3 bucket/key or its local equivalent). */
export interface ObjectRef {
  bucket: string;
  key: string;
}

/** Who produced an output, so every result can be traced to a provider, model and version. */
export interface Provenance {
  provider: string;
  model: string;
  version: string;
  /** Set when an earlier provider in a fallback list failed and this one answered. */
  fallbackFrom?: string[];
}

/** A label in Rekognition's style: Title Case name, confidence 0–100. */
export interface Label {
  name: string;
  confidence: number;
  parents?: string[];
  categories?: string[];
}

export interface DetectedLabels {
  labels: Label[];
  provenance: Provenance;
  /** The text read from the photo, when a text reader is configured (null when it failed). */
  text?: ReadText | null;
}

/** What a text reader (OCR) found: the believable words in reading order, as one string. */
export interface ReadText {
  /** Empty when the photo shows no legible text. */
  text: string;
  words: number;
  /** Mean confidence (0–100) of the words kept. */
  confidence: number;
  provenance: Provenance;
  error?: string;
}

export interface Caption {
  description: string;
  tags: string[];
  provenance: Provenance;
  usage?: { inputTokens: number; outputTokens: number; estimatedCostUsd: number };
}

export interface BeautyScore {
  /** Integer 0–100, or null when the scorer failed and the policy keeps the rest. */
  score: number | null;
  /** The provider's own output, kept for audit and recalibration. */
  raw: unknown;
  provenance: Provenance | null;
  error?: string;
}

/** The seed's job ticket: what the queue carries from the upload event to a worker. */
export interface JobTicket {
  bucket: string;
  key: string;
  image_id: string;
  user_id: string;
  /** Present when the execution was already started by `POST /images/{id}/process`. */
  execution_id?: string;
}

/**
 * The pipeline's state names (the keys of the definition), and the pseudo-state a progress message
 * names when an execution starts. The web UI and the CLI match on these, never on bare strings.
 */
export const StateNames = {
  InspectImage: 'InspectImage',
  DetectLabels: 'DetectLabels',
  FilterLabels: 'FilterLabels',
  DescribeAndTag: 'DescribeAndTag',
  ScoreBeauty: 'ScoreBeauty',
  BeautyUnavailable: 'BeautyUnavailable',
  SaveResults: 'SaveResults',
  MarkFailed: 'MarkFailed',
  Notify: 'Notify',
  Finished: 'Finished',
  Failed: 'Failed',
  Succeeded: 'Succeeded',
} as const;
export type StateName = (typeof StateNames)[keyof typeof StateNames];
export const EXECUTION_STARTED = 'ExecutionStarted';

/** How a state ended, as progress messages say it (and the start of an execution, PROCESSING). */
export type ProgressStatus = 'SUCCEEDED' | 'RETRYING' | 'FAILED' | 'PROCESSING';

/** Messages the browser receives over the WebSocket (the seed's exact shapes). */
export type ClientMessage =
  | { type: 'image_processing_complete'; image_id: string; status: 'READY' | 'FAILED' }
  | {
      type: 'image_processing_progress';
      image_id: string;
      state: StateName | typeof EXECUTION_STARTED;
      status: ProgressStatus;
    };

/**
 * Everything a WebSocket client may receive: the seed's messages, plus the local hub's `welcome` on
 * connect and `pong` to a ping (API Gateway sends neither, so clients must not depend on them).
 */
export type ServerMessage = ClientMessage | { type: 'welcome' } | { type: 'pong' };

/** What the notifier fans out: a client message addressed to one owner. */
export interface UserNotification {
  user_id: string;
  message: ClientMessage;
}

/** Where one run of the pipeline over a photo stands. */
export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED';
/** How an execution ends. */
export type FinalStatus = Exclude<ExecutionStatus, 'RUNNING'>;
