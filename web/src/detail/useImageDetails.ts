import { useEffect, useState } from 'react';
import type { Api } from '../api/client';
import type { AiResults, Execution } from '../api/types';

/** The AI results and the timeline of one photo, fetched again whenever `version` changes. */
export function useImageDetails(api: Api, id: string, version: string) {
  const [ai, setAi] = useState<AiResults | null>(null);
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

  return { ai, executions, error };
}
