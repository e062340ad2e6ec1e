/** Combines label lists from several sources: one entry per name, highest confidence, parents united. */
import type { Label } from '../../../core/domain.js';

export function mergeLabels(...sources: readonly Label[][]): Label[] {
  const byName = new Map<string, Label>();
  for (const label of sources.flat()) {
    const existing = byName.get(label.name);
    if (!existing) {
      byName.set(label.name, { ...label, ...(label.parents ? { parents: [...label.parents] } : {}) });
      continue;
    }
    const parents = [...new Set([...(existing.parents ?? []), ...(label.parents ?? [])])];
    byName.set(label.name, {
      ...existing,
      confidence: Math.max(existing.confidence, label.confidence),
      ...(parents.length ? { parents } : {}),
    });
  }
  return [...byName.values()].sort((a, b) => b.confidence - a.confidence || a.name.localeCompare(b.name));
}
