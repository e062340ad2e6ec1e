import { formatBytes } from '../format';
import type { UploadEntry } from './useUploads';

const STATE_TEXT = {
  queued: 'Waiting',
  uploading: 'Uploading',
  done: 'Uploaded',
  rejected: 'Rejected',
} as const;

export function UploadList({ entries, onClear }: { entries: UploadEntry[]; onClear(): void }) {
  if (entries.length === 0) return null;
  const finished = entries.some((e) => e.state === 'done' || e.state === 'rejected');
  return (
    <div className="uploads">
      <ul className="uploads__list" aria-label="Uploads">
        {entries.map((entry) => (
          <li key={entry.key} className={`upload-item upload-item--${entry.state}`} data-testid="upload-item">
            <span className="upload-item__name">{entry.name}</span>
            <span className="upload-item__size">{formatBytes(entry.size)}</span>
            <progress
              className="upload-item__bar"
              max={1}
              value={entry.progress}
              aria-label={`Upload progress of ${entry.name}`}
            />
            <span className="upload-item__state">
              {STATE_TEXT[entry.state]}
              {entry.state === 'uploading' ? ` ${Math.round(entry.progress * 100)}%` : ''}
            </span>
            {entry.message && (
              <p className="upload-item__message error" role="alert">
                {entry.name}: {entry.message}
              </p>
            )}
          </li>
        ))}
      </ul>
      {finished && (
        <button type="button" className="button button--link" onClick={onClear}>
          Clear finished uploads
        </button>
      )}
    </div>
  );
}
