/** Loads the gallery for the current filters and folds live WebSocket messages into it. */
import { useCallback, useEffect, useMemo, useReducer, useRef } from 'react';
import { type Api, listItemFromMetadata } from '../api/client';
import {
  EXECUTION_STARTED,
  StateNames,
  type AiResults,
  effectiveSort,
  type ImageListItem,
  type ImageMetadata,
  type ListFilters,
  type ServerMessage,
} from '../api/types';
import { resultsArrived } from '../milestones';
import { galleryReducer, initialGallery, type ItemPatch } from './store';

const CLEARED: ItemPatch = {
  description: null,
  tags: [],
  beauty_score: null,
  processed_at: null,
  error: null,
};

export const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

const aiFields = (ai: AiResults): ItemPatch => ({
  status: ai.status,
  description: ai.description,
  tags: ai.tags,
  beauty_score: ai.beauty_score,
  processed_at: ai.processed_at,
  error: ai.error,
});

function progressText(state: string, status: string): string {
  if (status === 'RETRYING') return `retrying ${state}`;
  if (status === 'FAILED') return `${state} failed`;
  return `${state} done`;
}

export function useGallery(api: Api, filters: ListFilters) {
  const [state, dispatch] = useReducer(galleryReducer, initialGallery);
  const seq = useRef(0);
  const request = useRef(0);
  const filtersRef = useRef(filters);
  const stateRef = useRef(state);
  useEffect(() => {
    stateRef.current = state;
  }, [state]);

  const known = (id: string) => stateRef.current.items.some((i) => i.image_id === id);

  const patch = useCallback((id: string, fields: ItemPatch) => {
    seq.current += 1;
    dispatch({ type: 'patched', id, patch: fields, seq: seq.current });
  }, []);

  const reload = useCallback(async () => {
    const mine = ++request.current;
    const since = seq.current;
    dispatch({ type: 'loading' });
    try {
      const page = await api.list(filtersRef.current);
      if (mine === request.current)
        dispatch({ type: 'loaded', items: page.items, nextCursor: page.next_cursor, append: false, since });
    } catch (error) {
      if (mine === request.current) dispatch({ type: 'failed', error: errorText(error) });
    }
  }, [api]);

  const loadMore = useCallback(async () => {
    const cursor = stateRef.current.nextCursor;
    if (!cursor) return;
    const mine = ++request.current;
    const since = seq.current;
    dispatch({ type: 'loading' });
    try {
      const page = await api.list(filtersRef.current, cursor);
      if (mine === request.current)
        dispatch({ type: 'loaded', items: page.items, nextCursor: page.next_cursor, append: true, since });
    } catch (error) {
      if (mine === request.current) dispatch({ type: 'failed', error: errorText(error) });
    }
  }, [api]);

  useEffect(() => {
    filtersRef.current = filters;
    void reload();
  }, [filters, reload]);

  const isFiltered = () => {
    const f = filtersRef.current;
    return f.status !== '' || f.tag.trim() !== '' || f.q.trim() !== '' || effectiveSort(f) !== 'created_at';
  };

  /** A photo the page has not seen (uploaded from another tab): fetch it, or reload when filtered. */
  const fetchUnknown = useCallback(
    async (id: string) => {
      if (isFiltered()) return reload();
      const since = seq.current;
      try {
        const [meta, ai] = await Promise.all([api.metadata(id), api.ai(id)]);
        seq.current += 1;
        dispatch({ type: 'upserted', item: listItemFromMetadata(meta, ai), since, stamp: seq.current });
      } catch {
        // deleted meanwhile, or not ours: nothing to show
      }
    },
    [api, reload],
  );

  /**
   * Results fetched as soon as the pipeline has stored them (SaveResults or MarkFailed succeeded),
   * a moment before the completion message, so the card can fill in the instant that message arrives.
   */
  const prefetched = useRef(new Map<string, Promise<AiResults>>());
  const prefetch = useCallback(
    (id: string) => {
      const request = api.ai(id);
      request.catch(() => prefetched.current.delete(id));
      prefetched.current.set(id, request);
    },
    [api],
  );

  const refreshResults = useCallback(
    async (id: string) => {
      // Everything patched so far is older than these results (they were stored before the message).
      const since = seq.current;
      const early = prefetched.current.get(id);
      prefetched.current.delete(id);
      try {
        const ai = (await early?.catch(() => null)) ?? (await api.ai(id));
        resultsArrived(id);
        dispatch({ type: 'refreshed', id, fields: aiFields(ai), since });
      } catch {
        // the next reconnect or reload shows the truth
      }
    },
    [api],
  );

  /**
   * A direct upload's record learns its real type, size and dimensions (and gets its thumbnail) in
   * InspectImage: fetched once that state succeeds, so the card shows the thumbnail from then on.
   */
  const refreshInspected = useCallback(
    async (id: string) => {
      try {
        const meta = await api.metadata(id);
        const { content_type, bytes, width, height } = meta;
        dispatch({ type: 'inspected', id, fields: { content_type, bytes, width, height } });
      } catch {
        // deleted meanwhile: nothing to show
      }
    },
    [api],
  );

  const onMessage = useCallback(
    (message: ServerMessage) => {
      if (message.type === 'image_processing_progress') {
        const id = message.image_id;
        if (message.state === EXECUTION_STARTED) {
          prefetched.current.delete(id);
          patch(id, { status: 'PROCESSING', ...CLEARED });
          dispatch({ type: 'progress', id, text: 'starting' });
          if (!known(id)) void fetchUnknown(id);
        } else {
          dispatch({ type: 'progress', id, text: progressText(message.state, message.status) });
          if (message.state === StateNames.InspectImage && message.status === 'SUCCEEDED' && known(id))
            void refreshInspected(id);
          if (
            message.status === 'SUCCEEDED' &&
            (message.state === StateNames.SaveResults || message.state === StateNames.MarkFailed)
          )
            prefetch(id);
        }
      } else if (message.type === 'image_processing_complete') {
        const id = message.image_id;
        patch(id, { status: message.status });
        dispatch({ type: 'progress', id, text: null });
        // Grouped, a finished photo may join or start a group: the list says which.
        if (filtersRef.current.group) void reload();
        else if (known(id)) {
          void refreshResults(id);
          // InspectImage's progress message may have been missed (a reconnect): its fields now.
          if (stateRef.current.items.find((i) => i.image_id === id)?.width === 0) void refreshInspected(id);
        } else void fetchUnknown(id);
      }
    },
    [patch, fetchUnknown, refreshResults, prefetch, refreshInspected, reload],
  );

  const addUploaded = useCallback((meta: ImageMetadata, since: number) => {
    seq.current += 1;
    dispatch({ type: 'upserted', item: listItemFromMetadata(meta), since, stamp: seq.current });
  }, []);

  const process = useCallback(
    async (id: string) => {
      // Optimistic, and before the request: the socket's messages for this run can only come later.
      patch(id, { status: 'PROCESSING', ...CLEARED });
      dispatch({ type: 'progress', id, text: 'requested' });
      try {
        await api.process(id);
      } catch (error) {
        void reload();
        throw error;
      }
    },
    [api, patch, reload],
  );

  const remove = useCallback(
    async (id: string) => {
      await api.remove(id);
      dispatch({ type: 'removed', id });
    },
    [api],
  );

  const currentSeq = useCallback(() => seq.current, []);

  const actions = useMemo(
    () => ({ reload, loadMore, onMessage, addUploaded, process, remove, currentSeq }),
    [reload, loadMore, onMessage, addUploaded, process, remove, currentSeq],
  );
  return { state, ...actions };
}

export type GalleryItem = ImageListItem;
