/**
 * Runs inside each AI worker thread: the offline providers, built once per thread (so their models
 * load once per thread and stay loaded), called with the photo's bytes that the main thread moved here.
 * Every outcome is returned as a value: errors keep their pipeline name (Provider.Permanent...), which
 * a structured clone of an Error would lose; a rejection of the task therefore always means the thread
 * itself died.
 */
import { isMainThread, threadId } from 'node:worker_threads';
import { createLocalBeautyScorer } from '../offline-ai/beauty/index.js';
import { createLocalLabelDetector } from '../offline-ai/labels/index.js';
import { createPaddleTextReader } from '../paddleocr/text-reader.js';
import type {
  BeautyScorer,
  CallOptions,
  ImageInput,
  LabelDetector,
  TextReader,
} from '../../core/ports/index.js';
import type { AiTask, AiTaskResult } from './protocol.js';

let detector: LabelDetector | undefined;
let scorer: BeautyScorer | undefined;
let reader: TextReader | undefined;

// A thread is stopped (not signalled) when its task is aborted, so the providers' own signal never fires.
const call: CallOptions = { signal: new AbortController().signal };

function inputOf(task: AiTask): ImageInput {
  const bytes = new Uint8Array(task.bytes);
  return { bucket: task.bucket, key: task.key, contentType: task.contentType, bytes: async () => bytes };
}

async function settle<T>(work: () => Promise<T>): Promise<AiTaskResult<T>> {
  const thread = { threadId, isMainThread };
  try {
    return { ok: true, value: await work(), thread };
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    return { ok: false, error: { name: e.name, message: e.message }, thread };
  }
}

export function detectLabels(task: AiTask) {
  detector ??= createLocalLabelDetector();
  return settle(() => detector!.detect(inputOf(task), call));
}

export function scoreBeauty(task: AiTask) {
  scorer ??= createLocalBeautyScorer();
  return settle(() => scorer!.score(inputOf(task), call));
}

export function readText(task: AiTask) {
  reader ??= createPaddleTextReader();
  return settle(() => reader!.read(inputOf(task), call));
}
