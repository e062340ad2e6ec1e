/**
 * Provider selection: each step's port gets the ordered list named in configuration
 * (`PHAROS_DESCRIBER=openai,local`), built once per process and wrapped in a fallback chain.
 */
import { beautyScorerChain, describerChain, labelDetectorChain } from '../core/fallback.js';
import type { BeautyScorer, Describer, LabelDetector, TextReader } from '../core/ports/index.js';
import { createLocalBeautyScorer } from '../adapters/offline-ai/beauty/index.js';
import { createLocalDescriber } from '../adapters/offline-ai/describer/index.js';
import { createLocalLabelDetector } from '../adapters/offline-ai/labels/index.js';
import { AiWorkerPool } from '../adapters/piscina/ai-pool.js';
import { createPaddleTextReader } from '../adapters/paddleocr/text-reader.js';
import { createLocalTextReader, stopLocalTextReader } from '../adapters/tesseract/text-reader.js';
import type { Config } from './config.js';
import {
  ScriptedBeautyScorer,
  ScriptedDescriber,
  ScriptedLabelDetector,
  type ScriptedScript,
} from '../adapters/scripted/providers.js';
import { cloudBeautyFactories, cloudDescriberFactories, cloudLabelFactories } from './cloud-providers.js';

export interface ProviderContext {
  script: ScriptedScript;
  /** The validated configuration: cloud providers read their settings from it. */
  config?: Config;
  /** The worker threads the offline AI runs on; absent: it runs on the calling thread. */
  aiPool?: AiWorkerPool | null;
}

type Factory<P> = (context: ProviderContext) => P | Promise<P>;

const labelFactories: Record<string, Factory<LabelDetector>> = {
  local: (ctx) => ctx.aiPool?.labelDetector() ?? createLocalLabelDetector(),
  scripted: (ctx) => new ScriptedLabelDetector(ctx.script.labels),
  ...cloudLabelFactories,
};
const describerFactories: Record<string, Factory<Describer>> = {
  local: () => createLocalDescriber(),
  scripted: (ctx) => new ScriptedDescriber(ctx.script.describer),
  ...cloudDescriberFactories,
};
const beautyFactories: Record<string, Factory<BeautyScorer>> = {
  local: (ctx) => ctx.aiPool?.beautyScorer() ?? createLocalBeautyScorer(),
  scripted: (ctx) => new ScriptedBeautyScorer(ctx.script.beauty),
  ...cloudBeautyFactories,
};

async function build<P>(
  names: readonly string[],
  factories: Record<string, Factory<P>>,
  variable: string,
  ctx: ProviderContext,
) {
  return Promise.all(
    names.map((name) => {
      const factory = factories[name];
      if (!factory)
        throw new Error(
          `${variable}: provider "${name}" is not available (choose from ${Object.keys(factories).join(', ')})`,
        );
      return factory(ctx);
    }),
  );
}

export interface ProviderSelection {
  labels: readonly string[];
  describer: readonly string[];
  beauty: readonly string[];
  /** OCR: 'local' (PaddleOCR), 'tesseract' or 'none' (absent: none). */
  text?: 'local' | 'tesseract' | 'none';
}

function textReader(name: ProviderSelection['text'], ctx: ProviderContext): TextReader | null {
  if (name === 'local') return ctx.aiPool?.textReader() ?? createPaddleTextReader();
  if (name === 'tesseract') return createLocalTextReader();
  return null;
}

export async function createProviders(selection: ProviderSelection, ctx: ProviderContext) {
  // The offline AI is CPU-bound: on worker threads (config.aiThreads, 0 when unused or disabled) it
  // uses every core and never holds up the event loop that serves HTTP and the WebSocket.
  const threads = ctx.config?.aiThreads ?? 0;
  const aiPool = ctx.aiPool ?? (threads > 0 ? new AiWorkerPool({ threads }) : null);
  const context = { ...ctx, aiPool };
  try {
    return {
      labels: labelDetectorChain(await build(selection.labels, labelFactories, 'PHAROS_LABELS', context)),
      describer: describerChain(
        await build(selection.describer, describerFactories, 'PHAROS_DESCRIBER', context),
      ),
      beauty: beautyScorerChain(await build(selection.beauty, beautyFactories, 'PHAROS_BEAUTY', context)),
      text: textReader(selection.text, context),
      aiPool,
      /** Stops the AI threads (after the queue has stopped handing out work). */
      close: async () => {
        if (!ctx.aiPool) await aiPool?.close();
        if (selection.text === 'tesseract') await stopLocalTextReader();
      },
    };
  } catch (error) {
    if (!ctx.aiPool) await aiPool?.close();
    throw error;
  }
}
