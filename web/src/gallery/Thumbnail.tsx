import { useEffect, useState } from 'react';
import type { ThumbnailCache } from '../api/thumbnails';

export function Thumbnail({ cache, id, alt }: { cache: ThumbnailCache; id: string; alt: string }) {
  const [src, setSrc] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    cache.get(id).then(
      (url) => live && setSrc(url),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, [cache, id]);

  if (src) return <img className="thumb" src={src} alt={alt} loading="lazy" decoding="async" />;
  return (
    <div className="thumb thumb--placeholder" role="img" aria-label={failed ? `${alt} (thumbnail unavailable)` : `${alt} (loading)`} />
  );
}
