/**
 * The offline AI on worker threads (piscina): the label detector, beauty scorer and text reader ports, proxied to a
 * fixed pool of threads that each run the ordinary local providers. The HTTP API, the WebSocket and
 * the runner keep the main thread; inference, BRISQUE and the decoding for them use the other cores.
 *
 * - Models load once per thread, on its first task, and stay loaded (threads never idle out).
 * - The photo's bytes are copied once into a buffer that is then moved, not cloned, to the thread;
 *   decoded pixels never cross threads.
 * - An aborted call (state timeout, shutdown) stops its thread; piscina starts a replacement.
 * - A thread that dies mid-task fails only that call, as Provider.Transient (the pipeline retries it).
 */
import { Piscina } from 'piscina';
import type { BeautyScore, DetectedLabels, ReadText } from '../../core/domain.js';
import { PipelineError, transientError } from '../../core/errors.js';
import type {
  BeautyScorer,
  CallOptions,
  ImageInput,
  LabelDetector,
  TextReader,
} from '../../core/ports/index.js';
import type { AiTask, AiTaskName, AiTaskResult, AiThread } from './protocol.js';

export interface AiPoolOptions {
  threads: number;
  /** Lowers the threads' scheduling priority (Unix nice), so the event loop wins a busy CPU. */
  niceIncrement?: number;
}

/** What each finished task reports (the debug hook that proves where the work ran). */
export interface AiTaskEvent {
  task: AiTaskName;
  key: string;
  ok: boolean;
  thread: AiThread;
  ms: number;
}

/** From the TypeScript sources a bootstrap compiles the worker with tsx; a build runs ai-worker.js. */
function workerFile(): string {
  const here = import.meta.url;
  return new URL(here.endsWith('.ts') ? './ai-worker-bootstrap.mjs' : './ai-worker.js', here).href;
}

export class AiWorkerPool {
  private readonly pool: Piscina;
  private readonly listeners = new Set<(event: AiTaskEvent) => void>();
  private inFlight = 0;
  /** Tasks whose thread died under them (crash, out of memory, or stopped by an abort). */
  crashes = 0;

  constructor(readonly options: AiPoolOptions) {
    if (!Number.isInteger(options.threads) || options.threads < 1)
      throw new Error(`AI worker pool: threads must be a positive integer, got ${options.threads}`);
    this.pool = new Piscina({
      filename: workerFile(),
      minThreads: options.threads,
      maxThreads: options.threads,
      idleTimeout: Number.POSITIVE_INFINITY,
      niceIncrement: options.niceIncrement ?? 0,
    });
  }

  get threads(): number {
    return this.options.threads;
  }

  /** The worker threads themselves (diagnostics, and how tests stop one to play a crash). */
  get workers() {
    return this.pool.threads;
  }

  /** Calls accepted and not yet answered (running on a thread or waiting for one). */
  get pending(): number {
    return this.inFlight;
  }

  /** Subscribes to finished tasks; returns the unsubscribe function. */
  onTask(listener: (event: AiTaskEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  labelDetector(): LabelDetector {
    return {
      name: 'local',
      detect: (image, call) => this.run<DetectedLabels>('detectLabels', image, call),
    };
  }

  beautyScorer(): BeautyScorer {
    return { name: 'local', score: (image, call) => this.run<BeautyScore>('scoreBeauty', image, call) };
  }

  /** The offline text reader (PaddleOCR): its image work and decoding are JavaScript, kept off the event loop. */
  textReader(): TextReader {
    return { name: 'local', read: (image, call) => this.run<ReadText>('readText', image, call) };
  }

  private async run<T>(task: AiTaskName, image: ImageInput, { signal }: CallOptions): Promise<T> {
    signal.throwIfAborted();
    const bytes = await image.bytes();
    signal.throwIfAborted();
    // The input's bytes may be shared (a fallback provider reads them again), so move a copy.
    const buffer = bytes.slice().buffer;
    const message: AiTask = {
      bucket: image.bucket,
      key: image.key,
      contentType: image.contentType,
      bytes: buffer,
    };
    const started = performance.now();
    this.inFlight++;
    let result: AiTaskResult<T>;
    try {
      result = (await this.pool.run(message, {
        name: task,
        signal,
        transferList: [buffer],
      })) as AiTaskResult<T>;
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      this.crashes++;
      throw transientError(`the AI worker thread running ${task} stopped: ${String(error)}`, error);
    } finally {
      this.inFlight--;
    }
    const event = {
      task,
      key: image.key,
      ok: result.ok,
      thread: result.thread,
      ms: performance.now() - started,
    };
    for (const listener of this.listeners) listener(event);
    // The provider's own error, under its own name (the retry rules match on it).
    if (!result.ok) throw new PipelineError(result.error.name, result.error.message);
    return result.value;
  }

  /** Stops every thread; calls still running are rejected. */
  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
