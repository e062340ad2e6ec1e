/**
 * The gallery's state. Items are server snapshots; live WebSocket updates are also kept as an
 * overlay stamped with a sequence number, so that a snapshot fetched *before* an update (a list
 * request in flight when a completion arrives) cannot overwrite it with a stale status.
 */
import type { ImageListItem } from '../api/types';

export type ItemPatch = Partial<Omit<ImageListItem, 'image_id'>>;

export interface GalleryState {
  items: ImageListItem[];
  /** The running pipeline state per photo ("DetectLabels", "retrying DescribeImage"). */
  progress: Record<string, string>;
  overlay: Record<string, { patch: ItemPatch; seq: number }>;
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
  | { type: 'upserted'; item: ImageListItem; since: number; position: 'start' | 'keep' }
  | { type: 'refreshed'; id: string; fields: ItemPatch; since: number }
  | { type: 'patched'; id: string; patch: ItemPatch; seq: number }
  | { type: 'progress'; id: string; text: string | null }
  | { type: 'removed'; id: string }
  | { type: 'reset' };

export const initialGallery: GalleryState = {
  items: [],
  progress: {},
  overlay: {},
  deleted: {},
  nextCursor: null,
  loading: false,
  loaded: false,
  error: null,
};

function withOverlay(state: GalleryState, item: ImageListItem, since: number): ImageListItem {
  const live = state.overlay[item.image_id];
  return live && live.seq > since ? { ...item, ...live.patch } : item;
}

function withoutKey<T>(record: Record<string, T>, key: string): Record<string, T> {
  if (!(key in record)) return record;
  const copy = { ...record };
  delete copy[key];
  return copy;
}

export function galleryReducer(state: GalleryState, action: GalleryAction): GalleryState {
  switch (action.type) {
    case 'reset':
      return initialGallery;
    case 'loading':
      return { ...state, loading: true, error: null };
    case 'failed':
      return { ...state, loading: false, error: action.error };
    case 'loaded': {
      const fresh = action.items.filter((i) => !state.deleted[i.image_id]).map((i) => withOverlay(state, i, action.since));
      let items: ImageListItem[];
      if (action.append) {
        const known = new Set(state.items.map((i) => i.image_id));
        items = [...state.items, ...fresh.filter((i) => !known.has(i.image_id))];
      } else {
        // Photos that appeared live after the request started (uploads) and are missing from the answer.
        const inAnswer = new Set(fresh.map((i) => i.image_id));
        const newer = state.items.filter((i) => !inAnswer.has(i.image_id) && (state.overlay[i.image_id]?.seq ?? -1) > action.since);
        items = [...newer, ...fresh];
      }
      return { ...state, items, nextCursor: action.nextCursor, loading: false, loaded: true, error: null };
    }
    case 'upserted': {
      if (state.deleted[action.item.image_id]) return state;
      const item = withOverlay(state, action.item, action.since);
      const index = state.items.findIndex((i) => i.image_id === item.image_id);
      if (index === -1) {
        return { ...state, items: action.position === 'start' ? [item, ...state.items] : [...state.items, item] };
      }
      const items = state.items.slice();
      items[index] = item;
      return { ...state, items };
    }
    case 'refreshed': {
      const index = state.items.findIndex((i) => i.image_id === action.id);
      if (index === -1) return state;
      const items = state.items.slice();
      items[index] = withOverlay(state, { ...state.items[index]!, ...action.fields }, action.since);
      return { ...state, items };
    }
    case 'patched': {
      const previous = state.overlay[action.id]?.patch ?? {};
      const overlay = { ...state.overlay, [action.id]: { patch: { ...previous, ...action.patch }, seq: action.seq } };
      const items = state.items.map((i) => (i.image_id === action.id ? { ...i, ...action.patch } : i));
      return { ...state, items, overlay };
    }
    case 'progress':
      return {
        ...state,
        progress: action.text === null ? withoutKey(state.progress, action.id) : { ...state.progress, [action.id]: action.text },
      };
    case 'removed':
      return {
        ...state,
        items: state.items.filter((i) => i.image_id !== action.id),
        overlay: withoutKey(state.overlay, action.id),
        progress: withoutKey(state.progress, action.id),
        deleted: { ...state.deleted, [action.id]: true },
      };
  }
}
