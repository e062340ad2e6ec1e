import type { ThumbnailCache } from '../api/thumbnails';
import type { GalleryState } from './store';
import { ImageCard } from './ImageCard';

interface Props {
  state: GalleryState;
  filtered: boolean;
  thumbnails: ThumbnailCache;
  onDetails(id: string): void;
  onProcess(id: string): Promise<void>;
  onDelete(id: string): Promise<void>;
  onTag(tag: string): void;
  onLoadMore(): void;
  onRetryLoad(): void;
}

export function Gallery({
  state,
  filtered,
  thumbnails,
  onDetails,
  onProcess,
  onDelete,
  onTag,
  onLoadMore,
  onRetryLoad,
}: Props) {
  return (
    <section className="gallery" aria-labelledby="gallery-title" aria-busy={state.loading}>
      <h2 id="gallery-title" className="visually-hidden">
        Your photos
      </h2>
      {state.error && (
        <div className="error banner" role="alert">
          Could not load your photos: {state.error}{' '}
          <button type="button" className="button button--link" onClick={onRetryLoad}>
            Try again
          </button>
        </div>
      )}
      {state.loaded && state.items.length === 0 && !state.error && (
        <p className="empty" data-testid="empty-gallery">
          {filtered ? 'No photos match these filters.' : 'No photos yet — upload one to get started.'}
        </p>
      )}
      <ul className="grid">
        {state.items.map((item) => (
          <li key={item.image_id}>
            <ImageCard
              item={item}
              step={state.progress[item.image_id]}
              thumbnails={thumbnails}
              onDetails={onDetails}
              onProcess={onProcess}
              onDelete={onDelete}
              onTag={onTag}
            />
          </li>
        ))}
      </ul>
      {state.nextCursor && (
        <div className="more">
          <button type="button" className="button" onClick={onLoadMore} disabled={state.loading}>
            {state.loading ? 'Loading…' : 'Load more'}
          </button>
        </div>
      )}
    </section>
  );
}
