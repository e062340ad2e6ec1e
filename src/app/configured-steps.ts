/**
 * The pipeline's steps with the providers and label policy named in configuration: one place, used by
 * the local runtime and the Lambda handlers alike.
 */
import { createProviders } from './providers.js';
import { parseScript } from '../adapters/scripted/providers.js';
import { SharpImageCodec } from '../adapters/sharp/codec.js';
import type { InspectionRepository, Notifier, ObjectStorage, StatusStore } from '../core/ports/index.js';
import { type ResultsRepository } from '../core/ports/index.js';
import { createSteps } from '../core/steps.js';
import type { Config } from './config.js';

export async function createConfiguredSteps(
  config: Config,
  deps: {
    storage: ObjectStorage;
    results: ResultsRepository;
    inspections: InspectionRepository;
    status: StatusStore;
    notifier: Notifier;
  },
) {
  const providers = await createProviders(
    {
      labels: config.PHAROS_LABELS,
      describer: config.PHAROS_DESCRIBER,
      beauty: config.PHAROS_BEAUTY,
      text: config.PHAROS_TEXT,
    },
    { script: parseScript(config.PHAROS_SCRIPTED), config },
  );
  const steps = createSteps({
    ...providers,
    ...deps,
    // InspectImage checks the bytes with the same limits as the upload route.
    codec: new SharpImageCodec({ maxPixels: config.PHAROS_MAX_PIXELS }),
    labelFilter: { maxLabels: config.PHAROS_LABELS_MAX, minConfidence: config.PHAROS_LABELS_MIN_CONFIDENCE },
  });
  return { providers, steps };
}
