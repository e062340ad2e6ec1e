/** A queue of uploads, three at a time, each with its own progress and outcome. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { uploadFile } from '../api/upload';
import type { ImageMetadata } from '../api/types';

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

export function useUploads(
  authHeader: string,
  onUploaded: (meta: ImageMetadata, startedAt: number) => void,
  startedAt: () => number,
) {
  const [entries, setEntries] = useState<UploadEntry[]>([]);
  const files = useRef(new Map<number, File>());
  const nextKey = useRef(1);
  const running = useRef(0);
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
      uploadFile(file, authHeader, (fraction) => update(key, { progress: fraction }))
        .promise.then(
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
          running.current -= 1;
          pump();
        });
    }
  }, [authHeader]);

  const add = useCallback(
    (list: Iterable<File>) => {
      const added: UploadEntry[] = [];
      for (const file of list) {
        const key = nextKey.current++;
        files.current.set(key, file);
        added.push({ key, name: file.name, size: file.size, progress: 0, state: 'queued', message: null });
      }
      if (added.length === 0) return;
      setEntries((current) => [...added, ...current]);
      pump();
    },
    [pump],
  );

  const clearFinished = useCallback(
    () => setEntries((list) => list.filter((e) => e.state === 'queued' || e.state === 'uploading')),
    [],
  );

  return { entries, add, clearFinished };
}
