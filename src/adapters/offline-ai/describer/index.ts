/**
 * The local describer (`PHAROS_DESCRIBER=local`): a caption and tags from the filtered labels alone,
 * never the image. Deterministic: the same labels always give the same caption and tags.
 * With no labels it says "An image with no clearly recognisable subject." and returns no tags
 * (nothing was recognised, so any tag would be invented).
 */
import type { Caption, Label } from '../../../core/domain.js';
import type { CallOptions, Describer, ImageInput } from '../../../core/ports/index.js';
import { normaliseCaption } from '../../../core/policies.js';
import { composeCaption } from './caption.js';
import { composeTags } from './tags.js';

export const LOCAL_DESCRIBER_VERSION = '1';

export function describeLabels(labels: readonly Label[]): Caption {
  const ordered = [...labels].sort((a, b) => b.confidence - a.confidence || a.name.localeCompare(b.name));
  return normaliseCaption({
    description: composeCaption(ordered),
    tags: composeTags(ordered),
    provenance: { provider: 'local', model: 'label-templates', version: LOCAL_DESCRIBER_VERSION },
  });
}

export function createLocalDescriber(): Describer {
  return {
    name: 'local',
    async describe(input: { labels: Label[]; image: ImageInput }, options: CallOptions): Promise<Caption> {
      options.signal.throwIfAborted();
      return describeLabels(input.labels);
    },
  };
}
