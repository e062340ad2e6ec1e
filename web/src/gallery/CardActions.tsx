import { useEffect, useState } from 'react';
import type { ImageStatus } from '../api/types';

interface Props {
  filename: string;
  status: ImageStatus;
  onDetails?: () => void;
  onProcess(): Promise<void>;
  onDelete(): Promise<void>;
}

/** Details, Retry (when failed) or Reprocess, and Delete with an in-place confirmation. */
export function CardActions({ filename, status, onDetails, onProcess, onDelete }: Props) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!confirming) return;
    const timer = window.setTimeout(() => setConfirming(false), 5000);
    return () => window.clearTimeout(timer);
  }, [confirming]);

  async function run(action: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  const processing = status === 'PROCESSING';
  return (
    <div className="card__actions">
      {onDetails && (
        <button
          type="button"
          className="button"
          onClick={onDetails}
          aria-label={`Details and timeline of ${filename}`}
        >
          Details
        </button>
      )}
      <button
        type="button"
        className={`button${status === 'FAILED' ? ' button--primary' : ''}`}
        disabled={busy || processing}
        onClick={() => run(onProcess)}
        aria-label={`${status === 'FAILED' ? 'Retry' : 'Reprocess'} ${filename}`}
      >
        {status === 'FAILED' ? 'Retry' : 'Reprocess'}
      </button>
      {confirming ? (
        <button
          type="button"
          className="button button--danger"
          disabled={busy}
          onClick={() => run(onDelete)}
          aria-label={`Confirm: delete ${filename} for good`}
          autoFocus
        >
          Confirm delete
        </button>
      ) : (
        <button
          type="button"
          className="button"
          disabled={busy}
          onClick={() => setConfirming(true)}
          aria-label={`Delete ${filename}`}
        >
          Delete
        </button>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
