import { useId, useState } from 'react';
import type { ThumbnailCache } from '../api/thumbnails';
import type { ImageListItem } from '../api/types';
import { Thumbnail } from './Thumbnail';

interface Props {
  item: ImageListItem;
  thumbnails: ThumbnailCache;
  onLoadGroup(group: string): Promise<ImageListItem[]>;
  onDetails(id: string): void;
}

/**
 * Under a stacked card: how many near-duplicates the photo has, and on request the whole group
 * (fetched, so copies beyond the loaded pages are listed too), each opening its own details.
 */
export function DuplicateStack({ item, thumbnails, onLoadGroup, onDetails }: Props) {
  const panelId = useId();
  const [open, setOpen] = useState(false);
  const [members, setMembers] = useState<ImageListItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const total = item.duplicates_count + 1;

  const toggle = async () => {
    setOpen((o) => !o);
    if (open || !item.duplicate_group) return;
    try {
      setError(null);
      setMembers(await onLoadGroup(item.duplicate_group));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <div className="stack" data-testid="duplicate-stack">
      <button
        type="button"
        className="button button--link"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => void toggle()}
      >
        {open ? 'Hide' : 'Show'} all {total} near-duplicate photos
        <span className="visually-hidden"> like {item.filename}</span>
      </button>
      {open && (
        <div id={panelId} className="stack__panel">
          {error && <p className="error">Could not load them: {error}</p>}
          {!members && !error && <p className="hint">Loading…</p>}
          {members && (
            <ul className="stack__members" data-testid="stack-members">
              {members.map((m) => (
                <li key={m.image_id}>
                  <Thumbnail cache={thumbnails} id={m.image_id} alt={m.description ?? m.filename} />
                  <button type="button" className="button button--link" onClick={() => onDetails(m.image_id)}>
                    {m.filename}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
