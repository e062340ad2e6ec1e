import { useEffect, useState } from 'react';
import type { ThumbnailCache } from '../api/thumbnails';

const RETRIES = 5;

/**
 * An authorised thumbnail; a failed fetch (a network blip) is retried with backoff. `exists` is false
 * until the photo has been inspected (a direct upload's thumbnail is made by InspectImage; a photo
 * refused there never gets one): nothing is asked for before.
 */
export function Thumbnail({
  cache,
  id,
  alt,
  exists = true,
}: {
  cache: ThumbnailCache;
  id: string;
  alt: string;
  exists?: boolean;
}) {
  const [src, setSrc] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    if (!exists) return;
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
  }, [cache, id, attempt, exists]);

  if (src) return <img className="thumb" src={src} alt={alt} loading="lazy" decoding="async" />;
  return (
    <div
      className="thumb thumb--placeholder"
      role="img"
      aria-label={
        failed ? `${alt} (thumbnail unavailable)` : exists ? `${alt} (loading)` : `${alt} (no thumbnail yet)`
      }
    />
  );
}
