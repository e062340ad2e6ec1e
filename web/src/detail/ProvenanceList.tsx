/** Which provider and model produced each output (the `provenance` of /images/{id}/ai). */
const STEP_NAMES: Record<string, string> = {
  labels: 'Labels',
  caption: 'Caption and tags',
  beauty: 'Beauty score',
};

interface Entry {
  provider?: unknown;
  model?: unknown;
  version?: unknown;
  fallbackFrom?: unknown;
}

const text = (value: unknown) =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : null;

export function ProvenanceList({ provenance }: { provenance: Record<string, unknown> | null }) {
  // The three steps in pipeline order, then any other record that names a provider.
  const all = Object.entries(provenance ?? {});
  const isProvenance = (raw: unknown) => !!raw && typeof raw === 'object' && 'provider' in raw;
  const entries = [
    ...Object.keys(STEP_NAMES).flatMap((step) => all.filter(([key]) => key === step)),
    ...all.filter(([key, raw]) => !(key in STEP_NAMES) && isProvenance(raw)),
  ];
  if (entries.length === 0) return <p className="hint">No provenance yet.</p>;
  return (
    <dl className="provenance" data-testid="provenance">
      {entries.map(([step, raw]) => {
        const entry = (raw && typeof raw === 'object' ? raw : {}) as Entry;
        const fallback = Array.isArray(entry.fallbackFrom) ? entry.fallbackFrom.map(String) : [];
        return (
          <div key={step} className="provenance__row">
            <dt>{STEP_NAMES[step] ?? step}</dt>
            <dd>
              {raw === null ? (
                'not produced'
              ) : (
                <>
                  {text(entry.provider) ?? 'unknown provider'} · {text(entry.model) ?? 'unknown model'}
                  {text(entry.version) ? ` (v${text(entry.version)})` : ''}
                  {fallback.length > 0 && <span className="hint"> — after {fallback.join(', ')} failed</span>}
                </>
              )}
            </dd>
          </div>
        );
      })}
    </dl>
  );
}
