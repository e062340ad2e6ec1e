import { useEffect, useState } from 'react';
import type { Api } from '../api/client';
import type { AiResults, Duplicate, Execution, ImageMetadata } from '../api/types';

/**
 * The AI results and the timeline of one photo, fetched again whenever `version` changes; its full
 * metadata (EXIF, with the GPS position only the owner's detail carries) and near-duplicates once.
 */
export function useImageDetails(api: Api, id: string, version: string) {
  const [ai, setAi] = useState<AiResults | null>(null);
  const [metadata, setMetadata] = useState<ImageMetadata | null>(null);
  const [duplicates, setDuplicates] = useState<Duplicate[] | null>(null);

  useEffect(() => {
    let live = true;
    Promise.all([api.metadata(id), api.duplicates(id)]).then(
      ([meta, dups]) => {
        if (!live) return;
        setMetadata(meta);
        setDuplicates(dups);
      },
      () => undefined, // the rest of the dialog reports errors; these panels just stay empty
    );
    return () => {
      live = false;
    };
  }, [api, id]);
  const [executions, setExecutions] = useState<Execution[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    Promise.all([api.ai(id), api.executions(id)]).then(
      ([results, timeline]) => {
        if (!live) return;
        setAi(results);
        setExecutions(timeline);
        setError(null);
      },
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [api, id, version]);

  return { ai, executions, error, metadata, duplicates };
}
