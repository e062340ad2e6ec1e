import { useEffect, useState } from 'react';
import type { ThumbnailCache } from '../api/thumbnails';

const RETRIES = 5;

/** An authorised thumbnail; a failed fetch (a network blip) is retried with backoff. */
export function Thumbnail({ cache, id, alt }: { cache: ThumbnailCache; id: string; alt: string }) {
  const [src, setSrc] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let live = true;
    let timer: number | undefined;
    cache.get(id).then(
      (url) => live && setSrc(url),
      () => {
        if (!live) return;
        if (attempt >= RETRIES) return setFailed(true);
        timer = window.setTimeout(() => setAttempt((n) => n + 1), 1000 * 2 ** attempt);
      },
    );
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [cache, id, attempt]);

  if (src) return <img className="thumb" src={src} alt={alt} loading="lazy" decoding="async" />;
  return (
    <div
      className="thumb thumb--placeholder"
      role="img"
      aria-label={failed ? `${alt} (thumbnail unavailable)` : `${alt} (loading)`}
    />
  );
}
