/** A queue of uploads, three at a time, each with its own progress and outcome. */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Api } from '../api/client';
import { type UploadHandle, type UploadMode, uploadFile } from '../api/upload';
import type { ImageMetadata } from '../api/types';
import { formatBytes } from '../format';

export type UploadState = 'queued' | 'uploading' | 'done' | 'rejected';

export interface UploadEntry {
  key: number;
  name: string;
  size: number;
  progress: number;
  state: UploadState;
  message: string | null;
}

const CONCURRENCY = 3;

export interface UploadSettings {
  mode: UploadMode;
  maxBytes: number;
}

export function useUploads(
  api: Api,
  settings: UploadSettings,
  onUploaded: (meta: ImageMetadata, startedAt: number) => void,
  startedAt: () => number,
) {
  const [entries, setEntries] = useState<UploadEntry[]>([]);
  const files = useRef(new Map<number, File>());
  const nextKey = useRef(1);
  const running = useRef(0);
  // Uploads in flight, aborted when the page goes (sign-out): nothing of one user outlives the session.
  const inFlight = useRef(new Set<UploadHandle>());
  useEffect(() => {
    const handles = inFlight.current;
    return () => {
      for (const handle of handles) handle.abort();
      handles.clear();
    };
  }, []);
  const handlers = useRef({ onUploaded, startedAt });
  useEffect(() => {
    handlers.current = { onUploaded, startedAt };
  }, [onUploaded, startedAt]);

  const update = (key: number, patch: Partial<UploadEntry>) =>
    setEntries((list) => list.map((e) => (e.key === key ? { ...e, ...patch } : e)));

  const pump = useCallback(() => {
    while (running.current < CONCURRENCY) {
      const next = [...files.current.entries()][0];
      if (!next) return;
      const [key, file] = next;
      files.current.delete(key);
      running.current += 1;
      update(key, { state: 'uploading' });
      const since = handlers.current.startedAt();
      const handle = uploadFile(api, settings.mode, file, (fraction) => update(key, { progress: fraction }));
      inFlight.current.add(handle);
      handle.promise
        .then(
          (meta) => {
            update(key, { state: 'done', progress: 1 });
            handlers.current.onUploaded(meta, since);
          },
          (error: unknown) =>
            update(key, {
              state: 'rejected',
              message: error instanceof Error ? error.message : String(error),
            }),
        )
        .finally(() => {
          inFlight.current.delete(handle);
          running.current -= 1;
          pump();
        });
    }
  }, [api, settings.mode]);

  const add = useCallback(
    (list: Iterable<File>) => {
      const added: UploadEntry[] = [];
      for (const file of list) {
        const key = nextKey.current++;
        const entry = { key, name: file.name, size: file.size, progress: 0, message: null };
        // The server would refuse it too; saying so now saves sending megabytes for nothing.
        if (file.size > settings.maxBytes) {
          added.push({
            ...entry,
            state: 'rejected',
            message: `the file is larger than the ${formatBytes(settings.maxBytes)} limit`,
          });
          continue;
        }
        files.current.set(key, file);
        added.push({ ...entry, state: 'queued' });
      }
      if (added.length === 0) return;
      setEntries((current) => [...added, ...current]);
      pump();
    },
    [pump, settings.maxBytes],
  );

  const clearFinished = useCallback(
    () => setEntries((list) => list.filter((e) => e.state === 'queued' || e.state === 'uploading')),
    [],
  );

  return { entries, add, clearFinished };
}
