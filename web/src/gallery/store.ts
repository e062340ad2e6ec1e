/**
 * The gallery's state. Live WebSocket updates and fetched snapshots race: a list requested before a
 * completion message can be answered after it. Every change is therefore stamped with the live
 * sequence number it is fresh as of (`since` for a snapshot: the number when its request started;
 * `seq` for a live patch), and a snapshot older than what a photo already shows is ignored for it.
 */
import type { ImageListItem } from '../api/types.js';

export type ItemPatch = Partial<Omit<ImageListItem, 'image_id'>>;

/** What InspectImage learns about a photo's bytes: fixed once known, so they race with nothing. */
export type InspectedFields = Pick<ImageListItem, 'content_type' | 'bytes' | 'width' | 'height'>;

export interface GalleryState {
  items: ImageListItem[];
  /** The running pipeline state per photo ("DetectLabels done", "retrying DescribeAndTag"). */
  progress: Record<string, string>;
  /** Per photo: the sequence number its shown data are fresh as of. */
  fresh: Record<string, number>;
  /** Per photo added live (an upload, a photo from another tab): when it was added. */
  addedLive: Record<string, number>;
  deleted: Record<string, true>;
  nextCursor: string | null;
  loading: boolean;
  loaded: boolean;
  error: string | null;
}

export type GalleryAction =
  | { type: 'loading' }
  | { type: 'loaded'; items: ImageListItem[]; nextCursor: string | null; append: boolean; since: number }
  | { type: 'failed'; error: string }
  | { type: 'upserted'; item: ImageListItem; since: number; stamp: number }
  | { type: 'refreshed'; id: string; fields: ItemPatch; since: number }
  | { type: 'patched'; id: string; patch: ItemPatch; seq: number }
  | { type: 'inspected'; id: string; fields: InspectedFields }
  | { type: 'progress'; id: string; text: string | null }
  | { type: 'removed'; id: string }
  | { type: 'reset' };

export const initialGallery: GalleryState = {
  items: [],
  progress: {},
  fresh: {},
  addedLive: {},
  deleted: {},
  nextCursor: null,
  loading: false,
  loaded: false,
  error: null,
};

function withoutKey<T>(record: Record<string, T>, key: string): Record<string, T> {
  if (!(key in record)) return record;
  const copy = { ...record };
  delete copy[key];
  return copy;
}

const isStale = (state: GalleryState, id: string, since: number) => (state.fresh[id] ?? -1) > since;

export function galleryReducer(state: GalleryState, action: GalleryAction): GalleryState {
  switch (action.type) {
    case 'reset':
      return initialGallery;
    case 'loading':
      return { ...state, loading: true, error: null };
    case 'failed':
      return { ...state, loading: false, error: action.error };
    case 'loaded': {
      const current = new Map(state.items.map((i) => [i.image_id, i]));
      const fresh = { ...state.fresh };
      const answer = action.items
        .filter((i) => !state.deleted[i.image_id])
        .map((i) => {
          const shown = current.get(i.image_id);
          if (shown && isStale(state, i.image_id, action.since)) return shown;
          fresh[i.image_id] = Math.max(fresh[i.image_id] ?? -1, action.since);
          return i;
        });
      let items: ImageListItem[];
      if (action.append) {
        items = [...state.items, ...answer.filter((i) => !current.has(i.image_id))];
      } else {
        // Photos added live after the request started, which the answer could not include yet.
        const inAnswer = new Set(answer.map((i) => i.image_id));
        const newer = state.items.filter(
          (i) => !inAnswer.has(i.image_id) && (state.addedLive[i.image_id] ?? -1) > action.since,
        );
        items = [...newer, ...answer];
      }
      return {
        ...state,
        items,
        fresh,
        nextCursor: action.nextCursor,
        loading: false,
        loaded: true,
        error: null,
      };
    }
    case 'upserted': {
      const id = action.item.image_id;
      if (state.deleted[id] || isStale(state, id, action.since)) return state;
      const fresh = { ...state.fresh, [id]: action.since };
      const index = state.items.findIndex((i) => i.image_id === id);
      if (index === -1) {
        return {
          ...state,
          fresh,
          items: [action.item, ...state.items],
          addedLive: { ...state.addedLive, [id]: action.stamp },
        };
      }
      const items = state.items.slice();
      items[index] = action.item;
      return { ...state, fresh, items };
    }
    case 'refreshed': {
      const index = state.items.findIndex((i) => i.image_id === action.id);
      if (index === -1 || isStale(state, action.id, action.since)) return state;
      const items = state.items.slice();
      items[index] = { ...items[index]!, ...action.fields };
      return { ...state, items, fresh: { ...state.fresh, [action.id]: action.since } };
    }
    case 'patched': {
      const index = state.items.findIndex((i) => i.image_id === action.id);
      // A photo not shown yet: whoever adds it fetches it after this message, so it will be current.
      if (index === -1) return state;
      const items = state.items.slice();
      items[index] = { ...items[index]!, ...action.patch };
      return { ...state, items, fresh: { ...state.fresh, [action.id]: action.seq } };
    }
    case 'inspected': {
      // No freshness stamp: a stamp here would make results fetched a moment earlier look stale.
      const index = state.items.findIndex((i) => i.image_id === action.id);
      if (index === -1) return state;
      const items = state.items.slice();
      items[index] = { ...items[index]!, ...action.fields };
      return { ...state, items };
    }
    case 'progress':
      return {
        ...state,
        progress:
          action.text === null
            ? withoutKey(state.progress, action.id)
            : { ...state.progress, [action.id]: action.text },
      };
    case 'removed':
      return {
        ...state,
        items: state.items.filter((i) => i.image_id !== action.id),
        fresh: withoutKey(state.fresh, action.id),
        progress: withoutKey(state.progress, action.id),
        deleted: { ...state.deleted, [action.id]: true },
      };
  }
}
