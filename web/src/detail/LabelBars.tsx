import type { Label } from '../api/types';

/** Each label with its confidence (0–100) as a bar. */
export function LabelBars({ labels }: { labels: Label[] }) {
  if (labels.length === 0) return <p className="hint">No labels.</p>;
  const sorted = [...labels].sort((a, b) => b.confidence - a.confidence);
  return (
    <ul className="labels" data-testid="labels">
      {sorted.map((label) => {
        const pct = Math.max(0, Math.min(100, label.confidence));
        return (
          <li key={label.name} className="labels__row">
            <span className="labels__name">{label.name}</span>
            <span
              className="labels__bar"
              role="meter"
              aria-label={`${label.name} confidence`}
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={Math.round(pct)}
            >
              <span className="labels__fill" style={{ width: `${pct}%` }} />
            </span>
            <span className="labels__value">{pct.toFixed(1)}%</span>
          </li>
        );
      })}
    </ul>
  );
}
