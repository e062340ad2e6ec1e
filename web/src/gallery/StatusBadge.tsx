import type { ImageStatus } from '../api/types';

const TEXT: Record<ImageStatus, string> = {
  UPLOADING: 'Uploading…',
  UPLOADED: 'Uploaded',
  PROCESSING: 'Processing…',
  READY: 'Ready',
  FAILED: 'Failed',
};

export function StatusBadge({ status, step }: { status: ImageStatus; step?: string | undefined }) {
  return (
    <span className={`badge badge--${status.toLowerCase()}`} data-testid="status-badge" data-status={status}>
      {TEXT[status]}
      {status === 'PROCESSING' && step ? <span className="badge__step"> {step}</span> : null}
    </span>
  );
}
