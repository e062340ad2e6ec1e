import { memo, useEffect, useLayoutEffect, useRef } from 'react';
import type { ThumbnailCache } from '../api/thumbnails';
import type { ImageListItem, ImageStatus } from '../api/types';
import { cardRendered } from '../milestones';
import { useAnnounce } from '../ui/Announcer';
import { BeautyScore } from './BeautyScore';
import { CardActions } from './CardActions';
import { Highlight } from './Highlight';
import { StatusBadge } from './StatusBadge';
import { TagList } from './TagList';
import { Thumbnail } from './Thumbnail';

interface Props {
  item: ImageListItem;
  step: string | undefined;
  thumbnails: ThumbnailCache;
  onDetails(id: string): void;
  onProcess(id: string): Promise<void>;
  onDelete(id: string): Promise<void>;
  onTag(tag: string): void;
  /** Search words to mark in the caption and tags. */
  words?: readonly string[];
}

const NO_WORDS: readonly string[] = [];

const SPOKEN: Record<ImageStatus, string> = {
  UPLOADING: 'uploading',
  UPLOADED: 'uploaded',
  PROCESSING: 'processing',
  READY: 'ready',
  FAILED: 'failed',
};

/** Tells screen-reader users when a photo's status changes (not on first render). */
function useStatusAnnouncement(filename: string, status: ImageStatus) {
  const announce = useAnnounce();
  const previous = useRef(status);
  useEffect(() => {
    if (previous.current !== status) announce(`${filename} is ${SPOKEN[status]}`);
    previous.current = status;
  }, [announce, filename, status]);
}

/** The seed's card: the photo, its status, and once finished its caption, tags and beauty score. */
export const ImageCard = memo(function ImageCard({
  item,
  step,
  thumbnails,
  onDetails,
  onProcess,
  onDelete,
  onTag,
  words = NO_WORDS,
}: Props) {
  useStatusAnnouncement(item.filename, item.status);
  const finished =
    (item.status === 'READY' && item.processed_at !== null) ||
    (item.status === 'FAILED' && item.error !== null);
  useLayoutEffect(() => {
    if (finished) cardRendered(item.image_id);
  }, [finished, item.image_id, item.processed_at, item.error]);

  const headingId = `card-${item.image_id}`;
  return (
    <article
      className={`card card--${item.status.toLowerCase()}`}
      aria-labelledby={headingId}
      data-testid="image-card"
      data-image-id={item.image_id}
    >
      <div className="card__media">
        <Thumbnail
          cache={thumbnails}
          id={item.image_id}
          alt={item.description ?? item.filename}
          exists={item.width > 0}
        />
        <StatusBadge status={item.status} step={step} />
      </div>
      <div className="card__body">
        <h3 id={headingId} className="card__title" title={item.filename}>
          {item.filename}
        </h3>
        {item.status === 'READY' && (
          <>
            <p className="caption" data-testid="caption">
              {item.description ? <Highlight text={item.description} words={words} /> : 'No caption.'}
            </p>
            <TagList tags={item.tags} onPick={onTag} words={words} />
            <BeautyScore score={item.beauty_score} />
          </>
        )}
        {item.status === 'FAILED' && (
          <p className="failure" data-testid="failure">
            <strong>Could not process this photo.</strong> {item.error ?? ''}
          </p>
        )}
        {(item.status === 'PROCESSING' || item.status === 'UPLOADED') && (
          <p className="hint">
            {item.status === 'PROCESSING'
              ? 'Working on it — the card fills in by itself.'
              : 'Not processed yet.'}
          </p>
        )}
        <CardActions
          filename={item.filename}
          status={item.status}
          onDetails={() => onDetails(item.image_id)}
          onProcess={() => onProcess(item.image_id)}
          onDelete={() => onDelete(item.image_id)}
        />
      </div>
    </article>
  );
});
