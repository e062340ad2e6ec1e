import { useCallback, useEffect, useMemo, useState } from 'react';
import { apiBase, socketUrl, type WebConfig } from './config';
import { Api } from './api/client';
import { ThumbnailCache } from './api/thumbnails';
import type { ListFilters, Session } from './api/types';
import { DetailDialog } from './detail/DetailDialog';
import { FilterBar } from './gallery/FilterBar';
import { Gallery } from './gallery/Gallery';
import { useGallery } from './gallery/useGallery';
import { useLiveSocket } from './live/useLiveSocket';
import { Header } from './ui/Header';
import { UploadPanel } from './upload/UploadPanel';

const DEFAULT_FILTERS: ListFilters = { status: '', tag: '', q: '', sort: 'relevance', group: false };

/** The signed-in page: upload, filters, the live gallery and one photo's details. */
export function Workspace({
  config,
  session,
  token,
  onSignOut,
}: {
  config: WebConfig;
  session: Session;
  /** The current token: it may renew while this workspace lives. */
  token(): string;
  onSignOut(reason?: string): void;
}) {
  const api = useMemo(
    () => new Api(apiBase(config), token, () => onSignOut('Your session has ended; please sign in again.')),
    [config, token, onSignOut],
  );
  const thumbnails = useMemo(() => new ThumbnailCache(api), [api]);
  useEffect(() => () => thumbnails.dispose(), [thumbnails]);

  const [filters, setFilters] = useState<ListFilters>(DEFAULT_FILTERS);
  const gallery = useGallery(api, filters);
  // Every (re)connection re-fetches the list: whatever happened while disconnected is shown.
  const url = useCallback((t: string) => socketUrl(config, t), [config]);
  const connection = useLiveSocket(url, token, gallery.onMessage, gallery.reload);
  const [detailId, setDetailId] = useState<string | null>(null);
  const detailItem = detailId ? gallery.state.items.find((i) => i.image_id === detailId) : undefined;

  const { remove } = gallery;
  const onDelete = useCallback(
    async (id: string) => {
      await remove(id);
      thumbnails.forget(id);
    },
    [remove, thumbnails],
  );
  const onTag = useCallback((tag: string) => {
    setDetailId(null);
    setFilters((f) => ({ ...f, tag }));
  }, []);

  const filtered = filters.status !== '' || filters.tag !== '' || filters.q.trim() !== '';
  return (
    <>
      <a className="skip-link" href="#gallery-title">
        Skip to your photos
      </a>
      <Header username={session.username} connection={connection} onSignOut={() => onSignOut()} />
      <main className="workspace">
        <UploadPanel
          api={api}
          settings={config.upload}
          onUploaded={gallery.addUploaded}
          currentSeq={gallery.currentSeq}
        />
        <FilterBar filters={filters} onChange={setFilters} />
        <Gallery
          state={gallery.state}
          filtered={filtered}
          filters={filters}
          thumbnails={thumbnails}
          onDetails={setDetailId}
          onProcess={gallery.process}
          onDelete={onDelete}
          onTag={onTag}
          onLoadGroup={(group) => api.group(group)}
          onLoadMore={() => void gallery.loadMore()}
          onRetryLoad={() => void gallery.reload()}
        />
      </main>
      {detailItem && (
        <DetailDialog
          key={detailItem.image_id}
          api={api}
          item={detailItem}
          step={gallery.state.progress[detailItem.image_id]}
          thumbnails={thumbnails}
          onClose={() => setDetailId(null)}
          onProcess={gallery.process}
          onDelete={onDelete}
          onTag={onTag}
        />
      )}
    </>
  );
}
