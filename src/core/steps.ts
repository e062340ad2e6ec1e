/**
 * The pipeline's steps: small functions from the execution document to a result. The local runner and
 * the AWS Lambda handlers call exactly these, with the providers chosen by configuration.
 */
import type { Caption, DetectedLabels, Label } from './domain.js';
import { ErrorNames, PipelineError, malformedOutputError } from './errors.js';
import type { PipelineDocument } from './pipeline.js';
import type { LabelFilterPolicy } from './policies.js';
import { filterLabels, normaliseCaption } from './policies.js';
import type {
  BeautyScorer,
  Describer,
  ImageCodec,
  ImageInput,
  InspectionRepository,
  LabelDetector,
  Notifier,
  ObjectStorage,
  ResultsRepository,
  StatusStore,
  TextReader,
} from './ports/index.js';
import type { StepRegistry } from './runner.js';
import type { StepOutputs } from './step-outputs.js';
import { readTextOrError, withReadText } from './text.js';
import { inspectImage } from './inspect-step.js';

export interface StepDependencies {
  labels: LabelDetector;
  describer: Describer;
  beauty: BeautyScorer;
  storage: ObjectStorage;
  results: ResultsRepository;
  status: StatusStore;
  notifier: Notifier;
  labelFilter: LabelFilterPolicy;
  /** Optional OCR: read alongside the labels within DetectLabels (no state of its own). */
  text?: TextReader | null;
  codec: ImageCodec;
  inspections: InspectionRepository;
}

export function imageInput(
  storage: ObjectStorage,
  ref: { bucket: string; key: string },
  contentType: string,
): ImageInput {
  let cached: Promise<Uint8Array> | undefined;
  return {
    bucket: ref.bucket,
    key: ref.key,
    contentType,
    bytes: () => (cached ??= storage.get(ref.key).then((o) => o.bytes)),
  };
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined)
    throw new PipelineError(ErrorNames.Runtime, `${what} is missing from the execution`);
  return value;
}

/**
 * Notify's work, also used by anything else that ends an execution (the AWS reconciler): the status
 * scoreboard (conditional on the execution's ordinal), then the seed's completion message.
 */
export async function announceOutcome(
  deps: { status: StatusStore; notifier: Notifier },
  execution: { image_id: string; user_id: string; execution_seq: number; execution_id: string },
  status: 'READY' | 'FAILED',
): Promise<void> {
  await deps.status.put({
    image_id: execution.image_id,
    user_id: execution.user_id,
    status,
    execution_seq: execution.execution_seq,
    execution_id: execution.execution_id,
  });
  await deps.notifier.publish({
    user_id: execution.user_id,
    message: { type: 'image_processing_complete', image_id: execution.image_id, status },
  });
}

export function createSteps(deps: StepDependencies): StepRegistry {
  // Providers read InspectImage's JPEG rendition when it made one, else the original as inspected.
  const inputFor = (doc: PipelineDocument) => {
    const rendition = doc.inspected?.rendition;
    return rendition
      ? imageInput(deps.storage, { bucket: doc.bucket, key: rendition.key }, rendition.content_type)
      : imageInput(deps.storage, doc, doc.inspected?.content_type ?? doc.content_type);
  };

  const steps: StepRegistry = {
    inspectImage: (doc) => inspectImage(deps, doc),

    async detectLabels(doc, { signal, willRetry }): Promise<DetectedLabels> {
      const image = inputFor(doc);
      const [detected, read] = await Promise.all([
        deps.labels.detect(image, { signal, willRetry }),
        deps.text ? readTextOrError(deps.text, image, { signal, willRetry }) : null,
      ]);
      if (!Array.isArray(detected?.labels))
        throw malformedOutputError('label detector returned no label list');
      // text: null when no reader ran, so the local and the Step Functions documents are alike.
      return read ? withReadText(detected, read) : { ...detected, text: null };
    },

    async filterLabels(doc): Promise<{ labels: Label[] }> {
      const detected = required(doc.detected, 'detected labels');
      return { labels: filterLabels(detected.labels, deps.labelFilter) };
    },

    async describeAndTag(doc, { signal, willRetry }): Promise<Caption> {
      const { labels } = required(doc.filtered, 'filtered labels');
      const caption = await deps.describer.describe({ labels, image: inputFor(doc) }, { signal, willRetry });
      return normaliseCaption(caption);
    },

    async scoreBeauty(doc, { signal, willRetry }): Promise<StepOutputs['scoreBeauty']> {
      const result = await deps.beauty.score(inputFor(doc), { signal, willRetry });
      const { score } = result;
      if (typeof score !== 'number' || !Number.isInteger(score) || score < 0 || score > 100) {
        throw malformedOutputError(`beauty score must be an integer 0–100, got ${JSON.stringify(score)}`);
      }
      return result;
    },

    async saveResults(doc) {
      const caption = required(doc.caption, 'caption');
      const beauty = doc.beauty_error
        ? {
            score: null,
            raw: null,
            provenance: null,
            error: `${doc.beauty_error.Error}: ${doc.beauty_error.Cause}`,
          }
        : required(doc.beauty, 'beauty score');
      const saved = await deps.results.saveResults({
        image_id: doc.image_id,
        execution_id: doc.execution_id,
        labels: required(doc.filtered, 'filtered labels').labels,
        caption,
        beauty,
        // Null when no reader ran, it failed, or the photo shows no text.
        text: doc.detected?.text && !doc.detected.text.error ? doc.detected.text.text : null,
        provenance: {
          labels: doc.detected?.provenance ?? null,
          caption: caption.provenance,
          beauty: beauty.provenance,
          ...(doc.detected?.text ? { text: doc.detected.text.provenance } : {}),
        },
      });
      if (!saved)
        throw new PipelineError(ErrorNames.ExecutionSuperseded, 'a newer execution owns this photo');
      return { status: 'READY' as const, processed_at: saved.processed_at };
    },

    async markFailed(doc) {
      const error = doc.error ?? { Error: ErrorNames.Unknown, Cause: 'unknown failure' };
      await deps.results.markFailed({
        image_id: doc.image_id,
        execution_id: doc.execution_id,
        error: error.Error,
        cause: error.Cause,
      });
      return { status: 'FAILED' as const, error: `${error.Error}: ${error.Cause}` };
    },

    async notify(doc) {
      await announceOutcome(deps, doc, doc.outcome?.status === 'READY' ? 'READY' : 'FAILED');
      return { at: new Date().toISOString() };
    },
  };
  return steps;
}
