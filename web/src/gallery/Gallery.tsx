import { useMemo } from 'react';
import { searchWords } from '../../../src/core/search-words';
import type { ThumbnailCache } from '../api/thumbnails';
import type { ImageListItem, ListFilters } from '../api/types';
import { DuplicateStack } from './DuplicateStack';
import type { GalleryState } from './store';
import { ImageCard } from './ImageCard';

interface Props {
  state: GalleryState;
  filtered: boolean;
  filters: ListFilters;
  thumbnails: ThumbnailCache;
  onDetails(id: string): void;
  onProcess(id: string): Promise<void>;
  onDelete(id: string): Promise<void>;
  onTag(tag: string): void;
  onLoadGroup(group: string): Promise<ImageListItem[]>;
  onLoadMore(): void;
  onRetryLoad(): void;
}

/**
 * Grouped, each near-duplicate group shows once, as its first photo in the current order (the
 * others stack under it); ungrouped, every photo shows.
 */
function visibleItems(items: ImageListItem[], group: boolean): ImageListItem[] {
  if (!group) return items;
  const seen = new Set<string>();
  return items.filter((item) => {
    if (!item.duplicate_group || item.duplicates_count === 0) return true;
    if (seen.has(item.duplicate_group)) return false;
    seen.add(item.duplicate_group);
    return true;
  });
}

/** The empty state says what was searched, so an empty page is never a mystery. */
function emptyText(filters: ListFilters, filtered: boolean, words: string[]): string {
  if (!filtered) return 'No photos yet — upload one to get started.';
  if (words.length === 0) return 'No photos match these filters.';
  const others = filters.status !== '' || filters.tag !== '' ? ' with these filters' : '';
  return `No photos match “${words.join(' ')}”${others}.`;
}

export function Gallery({
  state,
  filtered,
  filters,
  thumbnails,
  onDetails,
  onProcess,
  onDelete,
  onTag,
  onLoadGroup,
  onLoadMore,
  onRetryLoad,
}: Props) {
  const words = useMemo(() => searchWords(filters.q), [filters.q]);
  const items = useMemo(() => visibleItems(state.items, filters.group), [state.items, filters.group]);
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
          {emptyText(filters, filtered, words)}
        </p>
      )}
      <ul className="grid">
        {items.map((item) => (
          <li
            key={item.image_id}
            className={filters.group && item.duplicates_count > 0 ? 'stacked' : undefined}
          >
            <ImageCard
              item={item}
              step={state.progress[item.image_id]}
              thumbnails={thumbnails}
              onDetails={onDetails}
              onProcess={onProcess}
              onDelete={onDelete}
              onTag={onTag}
              words={words}
            />
            {filters.group && item.duplicates_count > 0 && (
              <DuplicateStack
                item={item}
                thumbnails={thumbnails}
                onLoadGroup={onLoadGroup}
                onDetails={onDetails}
              />
            )}
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
