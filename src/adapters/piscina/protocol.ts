/** The messages between the main thread and an AI worker thread (structured-clone safe). */

/** One photo for one provider; `bytes` is an ArrayBuffer moved (transferred) to the worker. */
export interface AiTask {
  bucket: string;
  key: string;
  contentType: string;
  bytes: ArrayBuffer;
}

/** Which thread did the work: the proof that the AI ran off the main thread. */
export interface AiThread {
  threadId: number;
  isMainThread: boolean;
}

export type AiTaskResult<T> =
  | { ok: true; value: T; thread: AiThread }
  | { ok: false; error: { name: string; message: string }; thread: AiThread };

/** The worker functions, by the name piscina calls them. */
export type AiTaskName = 'detectLabels' | 'scoreBeauty' | 'readText';
