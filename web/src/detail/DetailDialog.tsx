import { useEffect, useRef } from 'react';
import type { Api } from '../api/client';
import type { ThumbnailCache } from '../api/thumbnails';
import type { ImageListItem } from '../api/types';
import { formatBytes, formatDateTime } from '../format';
import { BeautyScore } from '../gallery/BeautyScore';
import { CardActions } from '../gallery/CardActions';
import { StatusBadge } from '../gallery/StatusBadge';
import { TagList } from '../gallery/TagList';
import { FullImage } from './FullImage';
import { LabelBars } from './LabelBars';
import { DuplicateList, PhotoFacts } from './PhotoFacts';
import { ProvenanceList } from './ProvenanceList';
import { Timeline } from './Timeline';
import { useImageDetails } from './useImageDetails';

interface Props {
  api: Api;
  item: ImageListItem;
  step: string | undefined;
  thumbnails: ThumbnailCache;
  onClose(): void;
  onProcess(id: string): Promise<void>;
  onDelete(id: string): Promise<void>;
  onTag(tag: string): void;
}

/** One photo in full: results, labels, provenance and the execution timeline, kept live. */
export function DetailDialog({ api, item, step, thumbnails, onClose, onProcess, onDelete, onTag }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  // Every status change or pipeline step refreshes the results and the timeline.
  const { ai, executions, error, metadata, duplicates } = useImageDetails(
    api,
    item.image_id,
    `${item.status}|${item.processed_at}|${step ?? ''}`,
  );

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    dialog.current?.showModal();
    return () => opener?.focus();
  }, []);

  const titleId = `detail-${item.image_id}`;
  return (
    <dialog ref={dialog} className="detail" aria-labelledby={titleId} onClose={onClose} data-testid="detail">
      <header className="detail__head">
        <h2 id={titleId}>{item.filename}</h2>
        <StatusBadge status={item.status} step={step} />
        <button
          type="button"
          className="button detail__close"
          onClick={() => dialog.current?.close()}
          aria-label="Close details"
        >
          ✕
        </button>
      </header>
      <div className="detail__grid">
        <div className="detail__media">
          <FullImage
            api={api}
            thumbnails={thumbnails}
            id={item.image_id}
            alt={item.description ?? item.filename}
            inspected={item.width > 0}
          />
          <p className="hint">
            {item.width}×{item.height} · {formatBytes(item.bytes)} · uploaded{' '}
            {formatDateTime(item.created_at)}
          </p>
          <CardActions
            filename={item.filename}
            status={item.status}
            onProcess={() => onProcess(item.image_id)}
            onDelete={async () => {
              await onDelete(item.image_id);
              dialog.current?.close();
            }}
          />
        </div>
        <div className="detail__results">
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
          {item.status === 'FAILED' && (
            <p className="failure">{item.error ?? ai?.error ?? 'Processing failed.'}</p>
          )}
          {item.status === 'READY' && (
            <>
              <p className="caption caption--large">{item.description}</p>
              <TagList tags={item.tags} onPick={onTag} />
              <BeautyScore score={item.beauty_score} />
            </>
          )}
          <h3>Photo</h3>
          <PhotoFacts meta={metadata} />
          <h3>Near-duplicates</h3>
          <DuplicateList items={duplicates} />
          <h3>Labels</h3>
          <LabelBars labels={ai?.labels ?? []} />
          <h3>Provenance</h3>
          <ProvenanceList provenance={ai?.provenance ?? null} />
        </div>
      </div>
      <section aria-labelledby={`${titleId}-timeline`}>
        <h3 id={`${titleId}-timeline`}>Timeline</h3>
        {executions ? <Timeline executions={executions} /> : <p className="hint">Loading…</p>}
      </section>
    </dialog>
  );
}
