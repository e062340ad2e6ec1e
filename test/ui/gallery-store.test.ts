/**
 * The gallery reducer's one subtle job: a snapshot fetched before a live WebSocket update must not
 * overwrite it, and one fetched after must win.
 */
import { describe, expect, it } from 'vitest';
import type { ImageListItem } from '../../web/src/api/types.js';
import { galleryReducer, initialGallery, type GalleryState } from '../../web/src/gallery/store.js';

const item = (id: string, patch: Partial<ImageListItem> = {}): ImageListItem => ({
  image_id: id,
  filename: `${id}.jpg`,
  content_type: 'image/jpeg',
  bytes: 1,
  width: 1,
  height: 1,
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
  status: 'PROCESSING',
  auto_process: true,
  taken_at: '2026-01-01T00:00:00Z',
  taken_at_source: 'upload',
  photo: null,
  description: null,
  tags: [],
  beauty_score: null,
  processed_at: null,
  error: null,
  duplicate_group: null,
  duplicates_count: 0,
  ...patch,
});

const ready = {
  status: 'READY' as const,
  description: 'A lighthouse.',
  tags: ['lighthouse'],
  beauty_score: 78,
  processed_at: '2026-01-01T00:00:01Z',
};
const run = (state: GalleryState, ...actions: Parameters<typeof galleryReducer>[1][]) =>
  actions.reduce(galleryReducer, state);
/** The gallery after its first list answer (request started at sequence 0). */
const shown = (...items: ImageListItem[]) =>
  run(initialGallery, { type: 'loaded', items, nextCursor: null, append: false, since: 0 });

describe('gallery store', () => {
  it('keeps a live completion when a list fetched before it arrives later', () => {
    let state = shown(item('a'));
    // A reload starts (since = 0), then the completion arrives (seq 1) and its results (fetched at seq 1).
    state = run(
      state,
      { type: 'patched', id: 'a', patch: { status: 'READY' }, seq: 1 },
      { type: 'refreshed', id: 'a', fields: ready, since: 1 },
    );
    expect(state.items[0]).toMatchObject(ready);
    // The stale list answer (PROCESSING) lands last: the card stays READY with its results.
    state = run(state, { type: 'loaded', items: [item('a')], nextCursor: null, append: false, since: 0 });
    expect(state.items[0]!.status).toBe('READY');
  });

  it('lets a list fetched after the update win', () => {
    let state = shown(item('a'));
    state = run(state, { type: 'patched', id: 'a', patch: { status: 'READY' }, seq: 1 });
    state = run(state, {
      type: 'loaded',
      items: [item('a', ready)],
      nextCursor: null,
      append: false,
      since: 1,
    });
    expect(state.items[0]).toMatchObject(ready);
    expect(state.fresh).toEqual({ a: 1 });
  });

  it('does not resurrect old results when a reprocess starts while they are being fetched', () => {
    let state = shown(item('a', ready));
    // Results fetched as of seq 1; meanwhile a new run starts (seq 2) and clears them.
    state = run(
      state,
      { type: 'patched', id: 'a', patch: { status: 'READY' }, seq: 1 },
      {
        type: 'patched',
        id: 'a',
        patch: { status: 'PROCESSING', description: null, tags: [], beauty_score: null, processed_at: null },
        seq: 2,
      },
      { type: 'refreshed', id: 'a', fields: ready, since: 1 },
    );
    expect(state.items[0]).toMatchObject({ status: 'PROCESSING', description: null });
  });

  it('applies results fetched before the inspected fields arrive (the order a busy page sees)', () => {
    let state = shown(item('a', { width: 0, height: 0 }));
    // The completion (seq 1) starts the results' fetch; InspectImage's metadata answer lands first.
    state = run(
      state,
      { type: 'patched', id: 'a', patch: { status: 'READY' }, seq: 1 },
      {
        type: 'inspected',
        id: 'a',
        fields: { content_type: 'image/png', bytes: 9, width: 640, height: 480 },
      },
      { type: 'refreshed', id: 'a', fields: ready, since: 1 },
    );
    expect(state.items[0]).toMatchObject({ ...ready, content_type: 'image/png', width: 640, height: 480 });
  });

  it('keeps a photo uploaded during a reload that the answer does not include yet', () => {
    let state = shown(item('a'));
    // The reload started at 0; the upload's answer is added at 1, its run starts at 2.
    state = run(state, { type: 'upserted', item: item('b', { status: 'UPLOADED' }), since: 0, stamp: 1 });
    state = run(state, { type: 'patched', id: 'b', patch: { status: 'PROCESSING' }, seq: 2 });
    state = run(state, { type: 'loaded', items: [item('a')], nextCursor: null, append: false, since: 0 });
    expect(state.items.map((i) => i.image_id)).toEqual(['b', 'a']);
    expect(state.items[0]!.status).toBe('PROCESSING');
  });

  it('ignores an older snapshot of a photo from another source (upload answer after a fresher fetch)', () => {
    let state = shown();
    state = run(state, { type: 'upserted', item: item('c', ready), since: 3, stamp: 4 });
    state = run(state, { type: 'upserted', item: item('c', { status: 'UPLOADED' }), since: 1, stamp: 5 });
    expect(state.items).toHaveLength(1);
    expect(state.items[0]).toMatchObject(ready);
  });

  it('ignores late answers about a deleted photo', () => {
    let state = shown(item('a'), item('b'));
    state = run(
      state,
      { type: 'removed', id: 'a' },
      { type: 'upserted', item: item('a'), since: 0, stamp: 1 },
    );
    state = run(state, {
      type: 'loaded',
      items: [item('a'), item('b')],
      nextCursor: null,
      append: false,
      since: 0,
    });
    expect(state.items.map((i) => i.image_id)).toEqual(['b']);
  });
});
